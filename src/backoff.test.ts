import { describe, expect, it } from "vitest";
import { backoffDelayMs, PassRetry } from "./backoff.js";

describe("backoff", () => {
  it.each([
    [1, 0, 250],
    [1, 1, 500],
    [3, 1, 2_000],
    [10, 1, 10_000],
  ])("after %i failure(s) with random %f waits %i ms (step 500, cap 10 s)", (failures, r, ms) => {
    expect(backoffDelayMs(failures, { initialMs: 500, maxMs: 10_000 }, () => r)).toBe(ms);
  });

  it("retries skipped passes soon and restarts the backoff after progress", () => {
    const retry = new PassRetry({ initialMs: 100, maxMs: 1_000 }, 1_000, () => 1);
    expect(
      ["failed", "failed", "skipped", "progressed", "failed", "success", "failed"].map((o) =>
        retry.delayAfter(o as never),
      ),
    ).toEqual([100, 200, 1_000, 100, 200, undefined, 100]);
  });
});
