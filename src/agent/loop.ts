import { PassRetry } from "../backoff.js";
import type { Clock } from "../clock.js";
import { resyncKey, type ServiceKey } from "../domain/service.js";
import type { Logger } from "../observability/logger.js";
import type { AgentMetrics } from "./metrics.js";
import type { AgentPassResult, NodeReconciler } from "./reconcile.js";

/** Wait before a skipped pass (caches not live) is tried again; skipped passes never back off. */
const skippedRetryMs = 1_000;

/** The coalescing queue the informers feed (reconciler/queue.ts's CoalescingQueue fits). */
export interface KeyQueue {
  add(key: ServiceKey, at?: number): void;
  takeAll(signal: AbortSignal): Promise<Map<ServiceKey, number>>;
}

/** What the loop needs. */
export interface NodeLoopDeps {
  readonly cluster: { hasSynced(): boolean };
  readonly reconciler: Pick<NodeReconciler, "reconcile">;
  readonly queue: KeyQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  readonly resyncIntervalMs: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly random?: () => number;
  onPass?(result: AgentPassResult): void;
}

/**
 * Runs node passes until `signal` aborts: waits for the caches, then takes every pending key as
 * one batch (a burst of events is one pass), with a periodic resync. The retry policy is the
 * controller's (PassRetry): a skipped pass is retried after a second, a failed one with jittered
 * exponential backoff that restarts at the first step when the pass still applied changes; its
 * keys are put back with their first-seen times.
 */
export async function runNodeLoop(deps: NodeLoopDeps, signal: AbortSignal): Promise<void> {
  const { queue, clock, logger, metrics } = deps;
  const retry = new PassRetry(
    deps.backoff ?? { initialMs: 250, maxMs: 10_000 },
    skippedRetryMs,
    deps.random,
  );
  while (!deps.cluster.hasSynced() && !signal.aborted)
    await clock.sleep(100, signal).catch(() => undefined);
  queue.add(resyncKey);
  const resync = setInterval(() => queue.add(resyncKey), deps.resyncIntervalMs);
  resync.unref();
  try {
    while (!signal.aborted) {
      const batch = await queue.takeAll(signal);
      if (signal.aborted) break;
      const result = await deps.reconciler.reconcile().catch((error: unknown): AgentPassResult => {
        logger.error({ err: error }, "node reconcile failed");
        metrics.reconciles.inc({ result: "error" });
        return { status: "error", steps: [], masquerade: [], reason: String(error) };
      });
      deps.onPass?.(result);
      const progressed = result.steps.some((s) => s.outcome === "applied");
      const delay = retry.delayAfter(
        result.status === "error" ? (progressed ? "progressed" : "failed") : result.status,
      );
      if (delay === undefined) {
        const now = clock.monotonicMs();
        for (const [key, at] of batch)
          if (key !== resyncKey) metrics.convergenceDuration.observe((now - at) / 1000);
        continue;
      }
      await clock.sleep(delay, signal).catch(() => undefined);
      for (const [key, at] of batch) queue.add(key, at);
    }
  } finally {
    clearInterval(resync);
  }
}
