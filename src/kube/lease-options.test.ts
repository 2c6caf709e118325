import { describe, expect, it } from "vitest";
import { systemClock } from "../clock.js";
import { ConfigError } from "../errors.js";
import { silentLogger } from "../observability/logger.js";
import { LeaderElector } from "./leader-election.js";
import {
  DEFAULT_LEADER_ELECTION_TIMINGS,
  type LeaderElectionOptions,
  validateLeaderElectionOptions,
} from "./lease-options.js";

const unusedStore = {
  get: () => Promise.reject(new Error("not used")),
  create: () => Promise.reject(new Error("not used")),
  update: () => Promise.reject(new Error("not used")),
};

function options(overrides: Partial<LeaderElectionOptions>): LeaderElectionOptions {
  return {
    identity: "pod-a",
    ...DEFAULT_LEADER_ELECTION_TIMINGS,
    store: unusedStore,
    clock: systemClock,
    logger: silentLogger(),
    ...overrides,
  };
}

describe("validateLeaderElectionOptions", () => {
  it("accepts the controller's defaults and the short timings of the integration tests", () => {
    expect(() => validateLeaderElectionOptions(options({}))).not.toThrow();
    expect(() =>
      validateLeaderElectionOptions(
        options({ leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 }),
      ),
    ).not.toThrow();
  });

  it.each([
    ["an empty identity", { identity: " " }, /identity is empty/],
    ["a zero lease duration", { leaseDurationMs: 0 }, /leaseDurationMs must be a positive/],
    ["a NaN retry period", { retryPeriodMs: Number.NaN }, /retryPeriodMs must be a positive/],
    [
      "a renew deadline equal to the lease duration",
      { renewDeadlineMs: 15_000 },
      /leaseDurationMs \(15000\) must be greater than renewDeadlineMs \(15000\)/,
    ],
    [
      "a renew deadline longer than the lease duration",
      { leaseDurationMs: 8_000 },
      /leaseDurationMs \(8000\) must be greater than renewDeadlineMs \(10000\)/,
    ],
    [
      "a renew deadline not above retry period × 1.2",
      { retryPeriodMs: 8_500 },
      /renewDeadlineMs \(10000\) must be greater than retryPeriodMs × 1.2 \(10200\)/,
    ],
  ])("rejects %s with a ConfigError naming the setting", (_name, overrides, message) => {
    const validate = () => validateLeaderElectionOptions(options(overrides));
    expect(validate).toThrow(ConfigError);
    expect(validate).toThrow(message);
  });

  it("is applied by the LeaderElector constructor", () => {
    expect(() => new LeaderElector(options({ renewDeadlineMs: 20_000 }))).toThrow(ConfigError);
  });
});
