import type { Clock } from "../clock.js";
import type { ServiceKey } from "../domain/service.js";
import type { Logger } from "../observability/logger.js";
import type { AgentMetrics } from "./metrics.js";
import type { AgentPassResult, NodeReconciler } from "./reconcile.js";

/** The key a periodic resync enqueues: a pass that re-reads the kernel and repairs tampering. */
export const agentResyncKey: ServiceKey = "*/resync";

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
 * one batch (a burst of events is one pass), with a periodic resync. A failed or skipped pass is
 * retried with jittered exponential backoff, its keys put back with their first-seen times.
 */
export async function runNodeLoop(deps: NodeLoopDeps, signal: AbortSignal): Promise<void> {
  const { queue, clock, logger, metrics } = deps;
  const random = deps.random ?? Math.random;
  const backoff = deps.backoff ?? { initialMs: 250, maxMs: 10_000 };
  while (!deps.cluster.hasSynced() && !signal.aborted)
    await clock.sleep(100, signal).catch(() => undefined);
  queue.add(agentResyncKey);
  const resync = setInterval(() => queue.add(agentResyncKey), deps.resyncIntervalMs);
  resync.unref();
  let failures = 0;
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
      if (result.status === "success") {
        failures = 0;
        const now = clock.monotonicMs();
        for (const [key, at] of batch)
          if (key !== agentResyncKey) metrics.convergenceDuration.observe((now - at) / 1000);
        continue;
      }
      failures++;
      const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 10));
      await clock.sleep(base / 2 + (random() * base) / 2, signal).catch(() => undefined);
      for (const [key, at] of batch) queue.add(key, at);
    }
  } finally {
    clearInterval(resync);
  }
}
