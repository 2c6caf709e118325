import type { Clock } from "../clock.js";

/**
 * A token bucket for cloud writes: the account-wide mutating-call budget (AWS allows 5/s) is
 * shared with everything else in the account, so the controller stays well under it.
 */
export class WriteRateLimiter {
  private tokens: number;
  private last: number;
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private chain: Promise<void> = Promise.resolve();

  /** The default burst is ten seconds' worth of writes, so one move of a few tables never waits. */
  constructor(
    ratePerSecond: number,
    clock: Clock,
    burst = Math.max(1, Math.ceil(ratePerSecond * 10)),
  ) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.monotonicMs();
  }

  /** Waits for a token; callers are served in arrival order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.chain.then(() => this.take(signal));
    this.chain = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.monotonicMs();
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
      );
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000), signal);
    }
  }
}
