import type { KubeConfig } from "@kubernetes/client-node";
import type { Clock } from "../clock.js";
import type { ServiceKey } from "../domain/service.js";
import { ClusterState } from "../kube/cluster-state.js";
import { kubeNodeReader, NodeDirectory, type NodeReader } from "../kube/nodes.js";
import { startHealthServer } from "../observability/health-server.js";
import type { Logger } from "../observability/logger.js";
import { CoalescingQueue } from "../reconciler/queue.js";
import type { CommandRunner } from "./command-runner.js";
import { IpRoutes } from "./ip-routes.js";
import type { AgentMetrics } from "./metrics.js";
import { NatMasquerade } from "./nat-masquerade.js";
import type { AgentOptions } from "./options.js";
import { type AgentPassResult, NodeReconciler } from "./reconcile.js";

/** Injected collaborators of a running agent; tests pass a runner that enters a netns. */
export interface AgentDeps {
  readonly options: AgentOptions;
  readonly kubeConfig: KubeConfig;
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
  /** Stops reconciling and watching. Routes and rules stay: a restart must not cut traffic. */
  stop(): Promise<number>;
}

const resyncKey: ServiceKey = "*/resync";

/**
 * Composes and starts the node agent: informers on the annotated Services and EndpointSlices,
 * a coalescing queue (events only enqueue keys; one pass handles a burst), a periodic resync that
 * repairs tampering, and the health server. Shared by `vpc-route-sync agent` and the tests.
 */
export async function startAgent(deps: AgentDeps): Promise<RunningAgent> {
  const { options, clock, metrics } = deps;
  const logger = deps.logger.child({ component: "agent", node: options.nodeName });
  const work = new AbortController();
  const queue = new CoalescingQueue(() => clock.monotonicMs());
  const cluster = new ClusterState({
    kubeConfig: deps.kubeConfig,
    namespaces: options.allowedNamespaces,
    onServiceChanged: (key) => queue.add(key),
    clock,
    logger: logger.child({ component: "informers" }),
  });
  const reconciler = new NodeReconciler({
    settings: options,
    cluster,
    nodes: new NodeDirectory(deps.nodeReader ?? kubeNodeReader(deps.kubeConfig), clock),
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
  const loop = (async () => {
    while (!cluster.hasSynced() && !work.signal.aborted)
      await clock.sleep(100, work.signal).catch(() => undefined);
    queue.add(resyncKey);
    const resync = setInterval(() => queue.add(resyncKey), options.resyncIntervalMs);
    resync.unref();
    const backoff = deps.backoff ?? { initialMs: 250, maxMs: 10_000 };
    let failures = 0;
    try {
      while (!work.signal.aborted) {
        const batch = await queue.takeAll(work.signal);
        if (work.signal.aborted) break;
        const result = await reconciler.reconcile().catch((error: unknown): AgentPassResult => {
          logger.error({ err: error }, "node reconcile failed");
          return { status: "error", steps: [], masquerade: [], reason: String(error) };
        });
        lastStatus = result.status;
        deps.onPass?.(result);
        if (result.status === "success") {
          failures = 0;
          const now = clock.monotonicMs();
          for (const [key, at] of batch)
            if (key !== resyncKey) metrics.convergenceDuration.observe((now - at) / 1000);
          continue;
        }
        failures++;
        const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 10));
        await clock
          .sleep(base / 2 + (Math.random() * base) / 2, work.signal)
          .catch(() => undefined);
        for (const [key, at] of batch) queue.add(key, at);
      }
    } finally {
      clearInterval(resync);
    }
  })();
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
  const done = loop.then(
    () => stop(),
    () => stop(),
  );
  return { healthPort: health.port, done, stop };
}
