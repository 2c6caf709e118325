import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../test/unit/fixtures/clock.js";
import { WriteRateLimiter } from "./rate-limiter.js";

describe("WriteRateLimiter", () => {
  it("gives ten seconds' worth of writes as the default burst", async () => {
    const clock = new VirtualClock();
    const limiter = new WriteRateLimiter(2, clock);
    for (let i = 0; i < 20; i++) await limiter.acquire();
    expect(clock.now).toBe(0);
    await limiter.acquire();
    expect(clock.now).toBe(500);
  });

  it("lets a burst through, then spaces writes at the configured rate", async () => {
    const clock = new VirtualClock();
    const limiter = new WriteRateLimiter(2, clock, 2);
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.acquire();
      times.push(clock.now);
    }
    expect(times.slice(0, 2)).toEqual([0, 0]);
    expect(times.at(-1)).toBeGreaterThanOrEqual(2000);
    expect(times.at(-1)).toBeLessThanOrEqual(2100);
  });

  it("lets a configured burst cover a whole move, then keeps the sustained rate", async () => {
    const clock = new VirtualClock();
    const limiter = new WriteRateLimiter(2, clock, 50);
    for (let i = 0; i < 50; i++) await limiter.acquire();
    expect(clock.now).toBe(0);
    await limiter.acquire();
    expect(clock.now).toBe(500);
    await limiter.acquire();
    expect(clock.now).toBe(1000);
  });

  it("never saves up more than the burst, however long it was idle", async () => {
    const clock = new VirtualClock();
    const limiter = new WriteRateLimiter(2, clock, 5);
    clock.advance(3_600_000);
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(clock.now).toBe(3_600_000);
    await limiter.acquire();
    expect(clock.now).toBe(3_600_500);
  });
});
