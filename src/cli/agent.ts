import { type CommandRunner, execFileRunner } from "../agent/command-runner.js";
import { IpRoutes } from "../agent/ip-routes.js";
import { runNodeLoop } from "../agent/loop.js";
import { type AgentMetrics, createAgentMetrics } from "../agent/metrics.js";
import { NatMasquerade } from "../agent/nat-masquerade.js";
import type { AgentOptions } from "../agent/options.js";
import { type AgentPassResult, NodeReconciler } from "../agent/reconcile.js";
import { type Clock, systemClock } from "../clock.js";
import { type KubeSource, kubeClientFor } from "../kube/client/client.js";
import { loadKubeConfig } from "../kube/client/kubeconfig.js";
import { ClusterState } from "../kube/cluster-state.js";
import { kubeNodeReader, NodeDirectory, type NodeReader } from "../kube/nodes.js";
import { startHealthServer } from "../observability/health-server.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { CoalescingQueue } from "../reconciler/queue.js";

/** Injected collaborators of a running agent; the netns tests pass a runner that enters a netns. */
export interface AgentDeps {
  readonly options: AgentOptions;
  /** The API server: a client-node KubeConfig from `loadKubeConfig`, or one built by a test. */
  readonly kubeConfig: KubeSource;
  readonly runner: CommandRunner;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  readonly clock: Clock;
  /** Default: GET the Node from the API server. */
  readonly nodeReader?: NodeReader;
  readonly onPass?: (result: AgentPassResult) => void;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** A running agent: its health port and a graceful stop. */
export interface RunningAgent {
  readonly healthPort: number;
  /** Resolves with the exit code once stopped. */
  readonly done: Promise<number>;
  /** Stops watching and reconciling. Routes and rules stay: a restart must not cut traffic. */
  stop(): Promise<number>;
}

/**
 * Composes and starts the node agent: informers on the annotated Services and EndpointSlices
 * (events only enqueue keys), the node reconciler behind the command runner, the loop with its
 * periodic resync, and the health server. Shared by `vpc-route-sync agent` and the tests.
 */
export async function startAgent(deps: AgentDeps): Promise<RunningAgent> {
  const { options, clock, metrics } = deps;
  const kube = kubeClientFor(deps.kubeConfig);
  const logger = deps.logger.child({ component: "agent", node: options.nodeName });
  const work = new AbortController();
  const queue = new CoalescingQueue(() => clock.monotonicMs());
  const cluster = new ClusterState({
    kubeConfig: kube,
    namespaces: options.allowedNamespaces,
    trustedManagers: options.trustedEndpointSliceManagers,
    onServiceChanged: (key) => queue.add(key),
    clock,
    logger: logger.child({ component: "informers" }),
  });
  const reconciler = new NodeReconciler({
    settings: options,
    cluster,
    nodes: new NodeDirectory(deps.nodeReader ?? kubeNodeReader(kube), clock),
    routes: new IpRoutes(deps.runner, options.routeProtocol),
    masquerade: new NatMasquerade(deps.runner),
    logger,
    metrics,
  });
  let lastStatus: AgentPassResult["status"] | undefined;
  const health = await startHealthServer(
    options.http.host,
    options.http.port,
    metrics.registry,
    {
      healthy: () => undefined,
      ready: () => {
        if (!cluster.hasSynced()) return "Kubernetes caches not synced";
        if (lastStatus === "error") return "the last node reconcile failed; see the logs";
        return undefined;
      },
    },
    logger,
  );
  const informers = cluster.start(work.signal);
  const loop = runNodeLoop(
    {
      cluster,
      reconciler,
      queue,
      clock,
      logger,
      metrics,
      resyncIntervalMs: options.resyncIntervalMs,
      backoff: deps.backoff,
      onPass: (result) => {
        lastStatus = result.status;
        deps.onPass?.(result);
      },
    },
    work.signal,
  );
  let stopping: Promise<number> | undefined;
  const stop = (): Promise<number> => {
    stopping ??= (async () => {
      work.abort();
      await Promise.allSettled([loop, informers]);
      await health.close();
      logger.info("agent stopped; routes and rules are left in place");
      return 0;
    })();
    return stopping;
  };
  const done = loop.then(stop, stop);
  return { healthPort: health.port, done, stop };
}

/**
 * `vpc-route-sync agent`: runs on every node (DaemonSet, hostNetwork, NET_ADMIN) until
 * SIGTERM/SIGINT, then exits 0 leaving routes and rules in place, so a rolling update never
 * interrupts VPN traffic.
 */
export async function runAgent(options: AgentOptions): Promise<number> {
  const logger = createLogger({ level: options.log.level, pretty: options.log.pretty });
  const agent = await startAgent({
    options,
    kubeConfig: loadKubeConfig(options.kubeconfig),
    runner: execFileRunner(),
    logger,
    metrics: createAgentMetrics(),
    clock: systemClock,
  });
  const { nodeName, mode, masquerade, routeProtocol } = options;
  logger.info(
    { node: nodeName, mode, masquerade, routeProtocol, healthPort: agent.healthPort },
    "agent started",
  );
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    void agent.stop();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return await agent.done;
}
