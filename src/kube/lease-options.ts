import type { Clock } from "../clock.js";
import { ConfigError } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import type { LeaseStore } from "./lease-store.js";

/** Everything an elector needs; clock, store, logger and randomness are passed in so tests own them. */
export interface LeaderElectionOptions {
  /** Unique per process (the Pod name): two processes with one identity would both lead. */
  identity: string;
  /** How long a standby waits, after the lease last changed, before taking it over. */
  leaseDurationMs: number;
  /** How long the leader keeps acting without a successful renewal; must be below the lease duration. */
  renewDeadlineMs: number;
  /** Pause between acquire or renew attempts. */
  retryPeriodMs: number;
  store: LeaseStore;
  clock: Clock;
  logger: Logger;
  /** Uniform random number in [0, 1) that spreads campaign retries; defaults to Math.random. */
  jitter?: () => number;
}

/** client-go's JitterFactor: campaign retries wait retryPeriod × (1 + 1.2 × jitter). */
export const JITTER_FACTOR = 1.2;

/** The controller's timings, those of kube-controller-manager: lease 15 s, renew 10 s, retry 2 s. */
export const DEFAULT_LEADER_ELECTION_TIMINGS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const;

/**
 * Rejects timings under which two processes could lead at once: the leader must give up (renew
 * deadline) before a standby may take over (lease duration), and must get more than one jittered
 * retry in before giving up. The messages name the setting and the fix.
 */
export function validateLeaderElectionOptions(options: LeaderElectionOptions): void {
  const { identity, leaseDurationMs, renewDeadlineMs, retryPeriodMs } = options;
  if (identity.trim() === "") {
    throw new ConfigError(
      "leader election identity is empty; set it to something unique per process, such as the Pod name",
    );
  }
  const timings = { leaseDurationMs, renewDeadlineMs, retryPeriodMs };
  for (const [name, value] of Object.entries(timings)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(
        `leader election ${name} must be a positive number of milliseconds, got ${value}`,
      );
    }
  }
  if (leaseDurationMs <= renewDeadlineMs) {
    throw new ConfigError(
      `leader election leaseDurationMs (${leaseDurationMs}) must be greater than renewDeadlineMs (${renewDeadlineMs}), ` +
        "or a standby could take over while the leader still writes; the defaults are 15000 and 10000",
    );
  }
  const jittered = retryPeriodMs * JITTER_FACTOR;
  if (renewDeadlineMs <= jittered) {
    throw new ConfigError(
      `leader election renewDeadlineMs (${renewDeadlineMs}) must be greater than retryPeriodMs × ${JITTER_FACTOR} (${jittered}), ` +
        "so a failed renewal is retried before the deadline; lower retryPeriodMs (default 2000)",
    );
  }
}
