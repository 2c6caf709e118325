import type { Clock } from "../../../src/clock.js";

/**
 * A virtual clock for deterministic timing tests: time moves only when a test calls `advance`,
 * or when someone sleeps — a sleep jumps time forward by its duration and yields one macrotask,
 * so loops that poll "every N ms until a deadline" run instantly yet see time pass.
 */
export class ManualClock implements Clock {
  private now: number;
  private readonly epochMs: number;

  constructor(startMs = 1_000, epochMs = Date.parse("2026-01-01T00:00:00Z")) {
    this.now = startMs;
    this.epochMs = epochMs;
  }

  monotonicMs(): number {
    return this.now;
  }

  wallNow(): Date {
    return new Date(this.epochMs + this.now);
  }

  /** Moves time forward without sleeping. */
  advance(ms: number): void {
    this.now += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.now += Math.max(0, ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
