import { PassRetry } from "../backoff.js";
import { resyncKey } from "../domain/service.js";
import type { CoalescingQueue } from "./queue.js";
import { type PassResult, type ReconcilerDeps, reconcilePass } from "./reconcile.js";

/** Wait before a skipped pass (caches not live) is tried again; skipped passes never back off. */
const skippedRetryMs = 1_000;

/** Settings of the reconcile loop. */
export interface LoopOptions {
  readonly queue: CoalescingQueue;
  readonly resyncIntervalMs: number;
  /** True while passes may run: always in dry-run, only as leader otherwise (standbys stay idle). */
  mayReconcile(): boolean;
  /** Called after every pass (tests, metrics of the loop itself). */
  onPass?(result: PassResult): void;
  readonly backoff?: { initialMs: number; maxMs: number };
  readonly random?: () => number;
}

/**
 * Runs reconcile passes until `signal` aborts: waits for the caches, then takes every pending
 * key as one batch. A failed pass is retried with jittered exponential backoff (back to the first
 * step whenever a pass applied some writes before failing), a skipped one
 * (caches not live, nothing called) after a second; a periodic resync repairs drift made behind
 * the controller's back.
 */
export async function runReconcileLoop(
  deps: ReconcilerDeps,
  options: LoopOptions,
  signal: AbortSignal,
): Promise<void> {
  const { clock, logger } = deps;
  const { queue } = options;
  const retry = new PassRetry(
    options.backoff ?? { initialMs: 500, maxMs: 30_000 },
    skippedRetryMs,
    options.random,
  );
  while (!deps.cluster.hasSynced() && !signal.aborted)
    await clock.sleep(100, signal).catch(() => undefined);
  logger.info("caches synced");
  queue.add(resyncKey);
  const resync = setInterval(() => queue.add(resyncKey), options.resyncIntervalMs);
  resync.unref();
  let recheck: NodeJS.Timeout | undefined;
  try {
    while (!signal.aborted) {
      const batch = await queue.takeAll(signal);
      if (signal.aborted) break;
      if (!options.mayReconcile()) continue;
      const result = await reconcilePass(deps, batch);
      options.onPass?.(result);
      if (result.recheckInMs !== undefined) {
        clearTimeout(recheck);
        recheck = setTimeout(() => queue.add(resyncKey), result.recheckInMs);
        recheck.unref();
      }
      // A skipped pass called nothing (caches not live): it is looked at again soon, so it runs
      // as soon as the API server is back. A failed pass that applied some writes made progress
      // and retries at the first step; only passes that change nothing back off further.
      const delay = retry.delayAfter(
        result.status === "error" && result.results.some((r) => r.outcome === "applied")
          ? "progressed"
          : result.status === "error"
            ? "failed"
            : result.status,
      );
      if (delay === undefined) continue;
      logger.info(
        { status: result.status, retryInMs: Math.round(delay), reason: result.reason },
        "pass will be retried",
      );
      await clock.sleep(delay, signal).catch(() => undefined);
      for (const [key, at] of batch) queue.add(key, at);
      queue.add(resyncKey);
    }
  } finally {
    clearInterval(resync);
    clearTimeout(recheck);
  }
}
