import { type Cidr, cidrContainsIp, type IpFamily, parseIp } from "../domain/cidr.js";
import type { Refusal, ServiceNote } from "../domain/plan.js";
import type { ObservedRoute, RouteTarget } from "../domain/route.js";
import type { EndpointInfo, ServiceKey } from "../domain/service.js";
import { computeDesired } from "../planner/desired.js";
import type { CidrPolicy } from "../planner/policy.js";
import { eligibleNodes, targetKey } from "../planner/target-selection.js";
import { type AgentService, readAgentIntents } from "./intents.js";
import type { MasqueradeEntry } from "./masquerade-rules.js";
import type { AgentMode } from "./options.js";

/** What the agent remembers of a Service it last accepted, to hold its state while it is broken. */
export interface RememberedService {
  readonly cidrs: readonly string[];
  readonly masquerade: boolean;
}

/** Everything the pure node planner needs. */
export interface NodePlanInput {
  readonly nodeName: string;
  readonly mode: AgentMode;
  readonly masqueradeByDefault: boolean;
  readonly policy: Omit<CidrPolicy, "ipv6Supported">;
  readonly allowedNamespaces: readonly string[];
  readonly maxCidrsPerService: number;
  /**
   * The cluster's pod and Service CIDRs: a VPN Pod address outside them is never a route's
   * last hop (an EndpointSlice writer could otherwise send VPN traffic to any address).
   */
  readonly clusterCidrs: readonly Cidr[];
  readonly services: readonly AgentService[];
  /** InternalIPs of the nodes that were read (the ones hosting eligible endpoints). */
  readonly nodeIps: ReadonlyMap<string, readonly string[]>;
  readonly remembered: ReadonlyMap<ServiceKey, RememberedService>;
}

/** A route this node needs: to the hosting node (fallback), or the last hop to the local Pod. */
export interface NodeRoute {
  readonly cidr: Cidr;
  readonly service: ServiceKey;
  readonly hostingNode: string;
  readonly via: "node" | "pod";
  /** The hosting node's InternalIP, or the VPN Pod's address. */
  readonly gateway: string;
}

/** The desired kernel state of one node, computed in full before anything is changed. */
export interface NodePlan {
  readonly routes: readonly NodeRoute[];
  /** Rules for the VRS-MASQ chain: one per VPN CIDR and cluster CIDR of its family. */
  readonly masquerade: readonly MasqueradeEntry[];
  /** CIDRs whose existing routes are left exactly as they are, with the reason. */
  readonly held: ReadonlyMap<string, string>;
  /** A broken Service's CIDRs are unknown (agent restarted since): remove nothing at all. */
  readonly keepUnknown: boolean;
  readonly refusals: readonly Refusal[];
  readonly notes: readonly ServiceNote[];
  /** The memory to pass to the next plan. */
  readonly remembered: ReadonlyMap<ServiceKey, RememberedService>;
}

const tableId = "kernel";
const ownerId = "node-agent";

const familyOf = (address: string): IpFamily | undefined => parseIp(address)?.family;

/** The VPN Pod's address of `family` on `node`: the lowest, so every agent picks the same one. */
export function podAddress(
  endpoints: readonly EndpointInfo[],
  node: string,
  family: IpFamily,
): string | undefined {
  return endpoints
    .filter((e) => e.ready && !e.terminating && e.nodeName === node)
    .map((e) => e.address)
    .filter((a) => familyOf(a) === family)
    .sort()[0];
}

/** True when no cluster CIDRs are configured (nothing to check against) or one holds `address`. */
const isClusterAddress = (address: string, clusterCidrs: readonly Cidr[]): boolean =>
  clusterCidrs.length === 0 || clusterCidrs.some((cidr) => cidrContainsIp(cidr, address));

/**
 * Plans one node's routes and masquerade rules. Validation, allowlist, conflicts between
 * Services, `on-no-endpoint` and the hosting node's choice all come from the controller's own
 * `computeDesired`, fed with node InternalIPs as targets and no current routes: every agent sees
 * the same inputs, so every agent picks the same hosting node (first eligible node by name).
 */
export function planNodeState(input: NodePlanInput): NodePlan {
  const read = readAgentIntents(input.services, input);
  const targets = new Map<string, RouteTarget>();
  for (const intent of read.intents) {
    for (const node of eligibleNodes(intent.endpoints)) {
      for (const ip of input.nodeIps.get(node) ?? []) {
        const family = familyOf(ip);
        const key = family === undefined ? undefined : targetKey(node, family);
        if (key !== undefined && !targets.has(key)) targets.set(key, { id: ip, nodeName: node });
      }
    }
  }
  const remembered: ObservedRoute[] = [...input.remembered].flatMap(([service, r]) =>
    r.cidrs.map((cidr) => ({
      table: tableId,
      cidr,
      targetId: undefined,
      targetDescription: "",
      owner: { clusterId: ownerId, service },
      exists: false,
    })),
  );
  const desired = computeDesired({
    clusterId: ownerId,
    policy: { ...input.policy, ipv6Supported: true },
    adoptExistingRoutes: false,
    intents: read.intents,
    frozen: read.frozen,
    tables: [{ id: tableId, routes: remembered }],
    targets,
  });
  const refused = new Set(desired.refusals.map((r) => r.service));
  const notes = [...desired.notes];
  const held = new Map<string, string>();
  for (const [, cidr, reason] of desired.held.entries()) held.set(cidr, reason);
  const endpointsOf = new Map(read.intents.map((i) => [i.key, i.endpoints]));
  const routes: NodeRoute[] = [];
  for (const route of desired.routes) {
    const endpoints = endpointsOf.get(route.service) ?? [];
    const family = route.cidr.family;
    const hosting =
      input.mode === "fallback"
        ? route.target.nodeName === input.nodeName
        : eligibleNodes(endpoints).includes(input.nodeName);
    const base = { cidr: route.cidr, service: route.service, hostingNode: route.target.nodeName };
    if (!hosting) {
      if (input.mode === "fallback")
        routes.push({ ...base, via: "node", gateway: route.target.id });
      continue;
    }
    const pod = podAddress(endpoints, input.nodeName, family);
    if (pod !== undefined && !isClusterAddress(pod, input.clusterCidrs)) {
      held.set(route.cidr.text, "the VPN Pod's address is outside the cluster CIDRs");
      notes.push({
        service: route.service,
        reason: "PodAddressNotInCluster",
        message: `the VPN Pod on node ${input.nodeName} has address ${pod}, outside the cluster CIDRs (--cluster-cidrs ${input.clusterCidrs.map((c) => c.text).join(",")}), so ${route.cidr.text} is not handed to it; routes are left as they are`,
      });
      continue;
    }
    if (pod !== undefined) {
      routes.push({ ...base, hostingNode: input.nodeName, via: "pod", gateway: pod });
      continue;
    }
    held.set(route.cidr.text, "the VPN Pod here has no address of this family");
    notes.push({
      service: route.service,
      reason: "NoPodAddress",
      message: `the VPN Pod on node ${input.nodeName} has no IPv${family} address, so ${route.cidr.text} cannot be handed to it; routes are left as they are`,
    });
  }
  const broken = [...read.frozen, ...refused];
  const keepUnknown = broken.some((service) => !input.remembered.has(service));
  const next = new Map<ServiceKey, RememberedService>();
  const masquerade = new Map<string, ServiceKey>();
  for (const intent of read.intents) {
    if (refused.has(intent.key)) continue;
    const masq = read.masquerade.get(intent.key) ?? input.masqueradeByDefault;
    next.set(intent.key, { cidrs: intent.cidrs.map((c) => c.text), masquerade: masq });
  }
  for (const service of broken) {
    const previous = input.remembered.get(service);
    if (previous !== undefined) next.set(service, previous);
  }
  for (const [service, r] of [...next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!r.masquerade) continue;
    for (const cidr of r.cidrs) if (!masquerade.has(cidr)) masquerade.set(cidr, service);
  }
  return {
    routes,
    masquerade: [...masquerade].flatMap(([cidr, service]) => {
      // Only Pod traffic is rewritten: traffic another node already rewrote and this (hosting)
      // node forwards to the VPN Pod keeps that node's address, which the far side can answer.
      const family = familyOf(cidr.split("/")[0] ?? "");
      const sources = input.clusterCidrs.filter((c) => c.family === family).map((c) => c.text);
      return sources.length === 0
        ? [{ cidr, service }]
        : sources.map((source) => ({ cidr, source, service }));
    }),
    held,
    keepUnknown,
    refusals: [...read.refusals, ...desired.refusals],
    notes,
    remembered: next,
  };
}
