import { IpRoutes } from "../../src/agent/ip-routes.js";
import type { KernelRoute } from "../../src/agent/kernel-route.js";
import { createAgentMetrics } from "../../src/agent/metrics.js";
import { NatMasquerade } from "../../src/agent/nat-masquerade.js";
import { defaultRouteProtocol } from "../../src/agent/options.js";
import {
  type AgentClusterView,
  type AgentPassResult,
  NodeReconciler,
  type NodeSettings,
} from "../../src/agent/reconcile.js";
import { mustParseCidr } from "../../src/domain/cidr.js";
import type { EndpointInfo } from "../../src/domain/service.js";
import type { ServiceRecord } from "../../src/kube/cluster-state.js";
import { createLogger } from "../../src/observability/logger.js";
import type { LabNode, NetnsLab } from "./lab.js";
import type { LabPod } from "./pods.js";

/** The one Service of the lab; tests change its annotations and endpoints directly. */
export class StaticCluster implements AgentClusterView {
  annotations: Record<string, string> | undefined = undefined;
  endpoints: EndpointInfo[] = [];
  live = true;
  hasSynced = () => true;
  isLive = () => this.live;
  services = (): ServiceRecord[] =>
    this.annotations === undefined
      ? []
      : [
          {
            key: "vpn/openvpn",
            namespace: "vpn",
            name: "openvpn",
            uid: "uid-1",
            createdAt: "2024-01-01T00:00:00.000Z",
            generation: 1,
            annotations: this.annotations,
          },
        ];
  endpointsOf = () => this.endpoints;
  ignoredSlicesOf = () => [];
}

/** The Pod's addresses as one ready EndpointSlice endpoint per family. */
export function endpointsOf(pod: LabPod): EndpointInfo[] {
  return [pod.ipv4, pod.ipv6].map((address) => ({
    address,
    nodeName: pod.node.name,
    ready: true,
    terminating: false,
  }));
}

/** The admin settings every lab agent runs with. */
export function labSettings(node: LabNode, over: Partial<NodeSettings> = {}): NodeSettings {
  return {
    nodeName: node.name,
    mode: "fallback",
    masquerade: false,
    routeProtocol: defaultRouteProtocol,
    allowedCidrs: [mustParseCidr("10.8.0.0/16"), mustParseCidr("fd08::/48")],
    allowedNamespaces: ["vpn"],
    minPrefixLength: { v4: 16, v6: 48 },
    clusterCidrs: [mustParseCidr("10.244.0.0/16"), mustParseCidr("fd44::/16")],
    maxCidrsPerService: 8,
    ...over,
  };
}

/** One agent per lab node, each running its commands inside its node's namespace. */
export class LabAgents {
  readonly reconcilers: NodeReconciler[];

  constructor(lab: NetnsLab, cluster: AgentClusterView, over: Partial<NodeSettings> = {}) {
    const logger = createLogger({ level: process.env.VRS_TEST_LOG_LEVEL ?? "silent" });
    this.reconcilers = lab.nodes.map(
      (node) =>
        new NodeReconciler({
          settings: labSettings(node, over),
          cluster,
          nodes: {
            get: async (name) => {
              const found = lab.nodes.find((n) => n.name === name);
              if (found === undefined) throw new Error(`no lab node ${name}`);
              return { name, providerId: undefined, internalIps: [found.ipv4, found.ipv6] };
            },
            retainOnly: () => undefined,
          },
          routes: new IpRoutes(lab.runner(node.ns), defaultRouteProtocol),
          masquerade: new NatMasquerade(lab.runner(node.ns)),
          logger: logger.child({ node: node.name }),
          metrics: createAgentMetrics({ defaultMetrics: false }),
        }),
    );
  }

  /** One pass on every node at once, as the DaemonSet's agents would; fails on any error. */
  async reconcileAll(): Promise<AgentPassResult[]> {
    const results = await Promise.all(this.reconcilers.map((r) => r.reconcile()));
    const failed = results.flatMap((r) => r.steps.filter((s) => s.outcome === "failed"));
    if (failed.length > 0) throw new Error(`reconcile failed: ${JSON.stringify(failed)}`);
    return results;
  }
}

/** The routes carrying the agent's protocol on one node (both families), as the kernel lists them. */
export async function ourRoutes(lab: NetnsLab, node: LabNode): Promise<KernelRoute[]> {
  const routes = new IpRoutes(lab.runner(node.ns), defaultRouteProtocol);
  const all = [...(await routes.list(4)), ...(await routes.list(6))];
  return all.filter((r) => r.protocol === defaultRouteProtocol);
}

/** `dst via gateway [dev]` lines of the agent's routes on a node, sorted, for readable asserts. */
export async function routeLines(lab: NetnsLab, node: LabNode): Promise<string[]> {
  return (await ourRoutes(lab, node))
    .map((r) => `${r.dst} via ${r.gateway}${r.onlink ? ` dev ${r.dev} onlink` : ""}`)
    .sort();
}
