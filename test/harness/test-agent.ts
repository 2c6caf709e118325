import type { FakeKernel } from "../../src/agent/fake-kernel.js";
import { createAgentMetrics } from "../../src/agent/metrics.js";
import { type AgentOptions, defaultRouteProtocol } from "../../src/agent/options.js";
import type { AgentPassResult } from "../../src/agent/reconcile.js";
import { type RunningAgent, startAgent } from "../../src/cli/agent.js";
import { systemClock } from "../../src/clock.js";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { silentLogger } from "../../src/observability/logger.js";
import { fixtureSliceManager } from "./kube-objects.js";

/**
 * An in-process node agent in fallback mode for `nodeName`, on a fake kernel, watching
 * `namespace`: the VPN CIDRs under 10.8.0.0/16, the pod network 10.244.0.0/16, a 500 ms resync.
 */
export async function startTestAgent(args: {
  readonly nodeName: string;
  readonly namespace: string;
  readonly kubeConfig: Parameters<typeof startAgent>[0]["kubeConfig"];
  readonly kernel: FakeKernel;
  readonly masquerade?: boolean;
  readonly onPass?: (pass: AgentPassResult) => void;
}): Promise<RunningAgent> {
  const options: AgentOptions = {
    nodeName: args.nodeName,
    mode: "fallback",
    masquerade: args.masquerade ?? false,
    routeProtocol: defaultRouteProtocol,
    allowedCidrs: [mustParseCidr("10.8.0.0/16")],
    allowedNamespaces: [args.namespace],
    minPrefixLength: { v4: 16, v6: 48 },
    clusterCidrs: [mustParseCidr("10.244.0.0/16")],
    // The real EndpointSlice controller (story tests) and the fixtures (hand-written slices).
    trustedEndpointSliceManagers: ["endpointslice-controller.k8s.io", fixtureSliceManager],
    maxCidrsPerService: 8,
    resyncIntervalMs: 500,
    kubeconfig: undefined,
    http: { host: "127.0.0.1", port: 0 },
    log: { level: "silent", pretty: false },
  };
  return await startAgent({
    options,
    kubeConfig: args.kubeConfig,
    runner: args.kernel.runner,
    logger: silentLogger(),
    metrics: createAgentMetrics({ defaultMetrics: false }),
    clock: systemClock,
    ...(args.onPass ? { onPass: args.onPass } : {}),
  });
}
