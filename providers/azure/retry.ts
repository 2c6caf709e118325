import type { Clock } from "../../src/clock.js";
import { isConflict, isThrottled } from "../../src/errors.js";

/** Bounds of the provider's own retries of one write step. */
export interface RetryPolicy {
  /** Attempts in total, including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not slept on: the error goes to the caller's retry. */
  readonly maxRetryAfterMs: number;
  /** In [0, 1); injected so tests are deterministic. */
  readonly random: () => number;
}

/** Defaults sized for ARM: a route LRO holds its table for seconds, throttling asks for seconds. */
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  random: Math.random,
};

/** Called before each sleep, so the provider can log why it waits. */
export type RetryListener = (error: unknown, attempt: number, delayMs: number) => void;

/**
 * Runs `step` again after a throttle (429, sleeping the Retry-After the cloud asked for) or a
 * conflict (409 AnotherOperationInProgress, 412 stale etag: exponential backoff with jitter),
 * a bounded number of times; then, or on any other error, throws the typed error so the
 * reconciler's retry takes over. `step` must be safe to repeat (a PUT, or a re-read + write).
 */
export async function withRetries<T>(
  step: () => Promise<T>,
  clock: Clock,
  policy: RetryPolicy,
  onRetry?: RetryListener,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= policy.attempts || !(isThrottled(error) || isConflict(error))) throw error;
      const wait = delayFor(error, attempt, policy);
      if (wait === undefined) throw error;
      onRetry?.(error, attempt, wait);
      await clock.sleep(wait);
    }
  }
}

/** Retry-After when the cloud gave one (undefined when too long to hold the table for), else backoff. */
function delayFor(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  if (isThrottled(error) && error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}
