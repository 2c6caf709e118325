import { setTimeout as delay } from "node:timers/promises";

/**
 * Time as the controller sees it, passed in everywhere so tests control it. `monotonicMs` never
 * jumps with wall-clock changes; lease expiry and rate limits are judged on it.
 */
export interface Clock {
  monotonicMs(): number;
  wallNow(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `performance.now()` for monotonic time. */
export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  wallNow: () => new Date(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};
