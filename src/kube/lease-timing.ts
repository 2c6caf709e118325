import type { Clock } from "../clock.js";

/** `within` gave up waiting because the time ran out. */
export const TIMED_OUT = Symbol("timed out");
/** `within` gave up waiting because the caller's signal aborted. */
export const ABORTED = Symbol("aborted");

/** Sleeps on the injected clock; false when `signal` aborted, so loops exit without try/catch. */
export async function sleepUnlessAborted(
  clock: Clock,
  ms: number,
  signal: AbortSignal,
): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await clock.sleep(Math.max(0, ms), signal);
  } catch {
    // Only an abort rejects a sleep; the check below reports it.
  }
  return !signal.aborted;
}

/**
 * Waits for `work` for at most `ms` on the injected clock, or until `signal` aborts, whichever
 * comes first. The work itself is not cancelled (the store bounds its own requests); a rejection
 * it raises after losing the race is swallowed so it cannot crash the process.
 */
export async function within<T>(
  clock: Clock,
  work: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | typeof TIMED_OUT | typeof ABORTED> {
  work.catch(() => undefined);
  if (signal?.aborted) return ABORTED;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = clock.sleep(Math.max(0, ms), stop.signal).then(
    (): typeof TIMED_OUT => TIMED_OUT,
    (): typeof ABORTED => ABORTED,
  );
  try {
    return await Promise.race([work, timer]);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stop.abort();
  }
}
