/** Exponential backoff: the first step and the cap. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The wait before retry number `failures` (1 for the first): a step that doubles per failure up
 * to `maxMs`, jittered uniformly over its upper half, so retries of many processes spread out
 * while none waits less than half a step. The one backoff formula of the project.
 */
export function backoffDelayMs(
  failures: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  const step = Math.min(
    backoff.maxMs,
    backoff.initialMs * 2 ** Math.min(Math.max(failures, 1) - 1, 16),
  );
  return step / 2 + (random() * step) / 2;
}

/** How a reconcile pass (controller or agent) ended, as far as retrying goes. */
export type PassOutcome = "success" | "skipped" | "progressed" | "failed";

/**
 * When to run the next pass after one that did not succeed, shared by the controller's and the
 * agent's loops: a skipped pass (caches not live, nothing attempted) is retried after a fixed
 * short wait, never backing off; a failed pass that still applied writes restarts at the first
 * step, so backoff only climbs while passes change nothing.
 */
export class PassRetry {
  private failures = 0;
  private readonly backoff: Backoff;
  private readonly skippedRetryMs: number;
  private readonly random: () => number;

  constructor(backoff: Backoff, skippedRetryMs: number, random: () => number = Math.random) {
    this.backoff = backoff;
    this.skippedRetryMs = skippedRetryMs;
    this.random = random;
  }

  /** The wait before the next pass; undefined after a success (the next pass waits for work). */
  delayAfter(outcome: PassOutcome): number | undefined {
    if (outcome === "success") {
      this.failures = 0;
      return undefined;
    }
    if (outcome === "skipped") return this.skippedRetryMs;
    this.failures = outcome === "progressed" ? 1 : this.failures + 1;
    return backoffDelayMs(this.failures, this.backoff, this.random);
  }
}
