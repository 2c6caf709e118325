import type { Provider } from "../../providers/types.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config/types.js";
import { resyncKey } from "../domain/service.js";
import { UnsafeToWriteError } from "../errors.js";
import { type KubeSource, kubeClientFor } from "../kube/client/client.js";
import { ClusterState } from "../kube/cluster-state.js";
import { KubeEventRecorder } from "../kube/events.js";
import { LeaderElector, type LeadershipEnd } from "../kube/leader-election.js";
import { kubeLeaseStore } from "../kube/lease-store.js";
import { HostingNodeWatch } from "../kube/node-watch.js";
import { kubeNodeReader, NodeDirectory } from "../kube/nodes.js";
import { KubeStatusWriter } from "../kube/status.js";
import { startHealthServer } from "../observability/health-server.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { runReconcileLoop } from "../reconciler/loop.js";
import { CoalescingQueue } from "../reconciler/queue.js";
import { WriteRateLimiter } from "../reconciler/rate-limiter.js";
import { type PassResult, passProblems, type ReconcilerDeps } from "../reconciler/reconcile.js";
import { WithdrawGate } from "../reconciler/withdraw-gate.js";

/** How long in-flight cloud writes may take to finish when the controller stops. */
const shutdownGraceMs = 5_000;

/** Injected collaborators of a running controller. */
export interface ControllerRuntimeDeps {
  readonly config: Config;
  /** The API server: a client-node KubeConfig from `loadKubeConfig`, or one built by a test. */
  readonly kubeConfig: KubeSource;
  readonly provider: Provider;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly onPass?: (result: PassResult) => void;
}

/** A running controller: how it ended, its health port, and a graceful stop. */
export interface RunningController {
  readonly healthPort: number;
  /** Resolves with the exit code: 0 after stop(), 1 when leadership was lost. */
  readonly done: Promise<number>;
  isLeader(): boolean;
  /**
   * Stops reconciling: no new write starts, writes in flight get up to 5 s to finish (then they
   * are abandoned and reported as of unknown outcome, never as failed), then the lease is released.
   */
  stop(): Promise<number>;
}

/**
 * Composes and starts the controller: informers, leader election (unless dry-run), the
 * reconcile loop and the health server. Shared by the `controller` command, the demo (test/demo) and tests.
 */
export async function startController(deps: ControllerRuntimeDeps): Promise<RunningController> {
  const { config, provider, metrics, clock } = deps;
  const kube = kubeClientFor(deps.kubeConfig);
  const logger = deps.logger.child({ component: "controller" });
  /** Aborted first on shutdown: no new pass and no new write starts. */
  const stopping = new AbortController();
  /** Aborted after the grace: informers stop, and writes still waiting give up. */
  const work = new AbortController();
  const leadership = new AbortController();
  const queue = new CoalescingQueue(() => clock.monotonicMs());
  const cluster = new ClusterState({
    kubeConfig: kube,
    namespaces: config.allowedNamespaces,
    trustedManagers: config.trustedEndpointSliceManagers,
    onServiceChanged: (key) => queue.add(key),
    clock,
    logger: logger.child({ component: "informers" }),
  });
  const elector =
    config.dryRun || !config.leaderElection.enabled
      ? undefined
      : new LeaderElector({
          identity: config.leaderElection.identity,
          leaseDurationMs: config.leaderElection.leaseDurationMs,
          renewDeadlineMs: config.leaderElection.renewDeadlineMs,
          retryPeriodMs: config.leaderElection.retryPeriodMs,
          store: kubeLeaseStore(
            kube,
            config.leaderElection.namespace,
            config.leaderElection.leaseName,
          ),
          clock,
          logger,
        });
  const isLeader = () => elector === undefined || elector.isLeader();
  const nodeWatch = new HostingNodeWatch({
    kubeConfig: kube,
    clock,
    logger: logger.child({ component: "node-watch" }),
    onNodeChanged: (name) => {
      nodes.forget(name);
      queue.add(resyncKey);
    },
  });
  const nodes = new NodeDirectory(kubeNodeReader(kube), clock, {
    watch: (names) => nodeWatch.watchOnly(names, work.signal),
  });
  const reconcilerDeps: ReconcilerDeps = {
    provider,
    cluster,
    nodes,
    events: new KubeEventRecorder(kube, clock, logger),
    status: new KubeStatusWriter(kube, clock, logger),
    metrics,
    logger: logger.child({ component: "reconciler" }),
    clock,
    limiter: new WriteRateLimiter(config.writesPerSecond, clock, config.writeBurst),
    withdrawGate: new WithdrawGate(config.withdrawGraceMs, clock),
    settings: config,
    dryRun: config.dryRun,
    manageForwarding: provider.capabilities.manageForwarding,
    mayWrite: () => !config.dryRun && isLeader(),
    assertMayWrite: () => {
      if (config.dryRun) throw new UnsafeToWriteError("dry-run mode never writes to the cloud");
      if (stopping.signal.aborted)
        throw new UnsafeToWriteError("the controller is stopping; write not started");
      elector?.assertLeader();
    },
    signal: work.signal,
  };
  let lastCloudOk = true;
  const health = await startHealthServer(
    config.http.host,
    config.http.port,
    metrics.registry,
    {
      healthy: () => undefined,
      ready: () => {
        if (!cluster.hasSynced()) return "Kubernetes caches not synced";
        if (isLeader() && !lastCloudOk) return "cloud API not reachable";
        return undefined;
      },
    },
    logger,
  );
  logger.info(
    { namespaces: config.allowedNamespaces },
    "watching namespaces (Services elsewhere are never seen, so never refused by an Event)",
  );
  const informers = cluster.start(work.signal);
  const loop = runReconcileLoop(
    reconcilerDeps,
    {
      queue,
      resyncIntervalMs: config.resyncIntervalMs,
      mayReconcile: () => config.dryRun || isLeader(),
      onPass: (result) => {
        lastCloudOk = result.reason !== passProblems.cloudUnobserved;
        deps.onPass?.(result);
      },
    },
    stopping.signal,
  );
  const leading: Promise<LeadershipEnd> = elector
    ? elector.run(leadership.signal, {
        onStartedLeading: () => {
          metrics.leader.set(1);
          queue.add(resyncKey);
        },
        onStoppedLeading: () => metrics.leader.set(0),
        onNewLeader: (identity) => logger.info({ leader: identity }, "leader observed"),
      })
    : new Promise<LeadershipEnd>((resolve) =>
        leadership.signal.addEventListener("abort", () => resolve("released")),
      );
  if (!elector) metrics.leader.set(config.dryRun ? 0 : 1);
  let ending: Promise<number> | undefined;
  const shutdown = (code: number): Promise<number> => {
    ending ??= (async () => {
      // Writes in flight finish (their outcome is then known and reported truthfully); new
      // ones do not start. Whatever has not finished after the grace is abandoned.
      stopping.abort();
      const grace = new AbortController();
      await Promise.race([loop, clock.sleep(shutdownGraceMs, grace.signal).catch(() => undefined)]);
      grace.abort();
      work.abort();
      await Promise.allSettled([loop, informers]);
      leadership.abort();
      await leading.catch(() => undefined);
      await health.close();
      logger.info({ exitCode: code }, "controller stopped");
      return code;
    })();
    return ending;
  };
  const done = leading.then((end) => (end === "lost" ? shutdown(1) : shutdown(0)));
  return { healthPort: health.port, done, isLeader, stop: () => shutdown(0) };
}
