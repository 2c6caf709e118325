import { LeadershipLostError } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { LeaseClaim } from "./lease-claim.js";
import {
  JITTER_FACTOR,
  type LeaderElectionOptions,
  validateLeaderElectionOptions,
} from "./lease-options.js";
import { ABORTED, sleepUnlessAborted, within } from "./lease-timing.js";

export {
  DEFAULT_LEADER_ELECTION_TIMINGS,
  type LeaderElectionOptions,
  validateLeaderElectionOptions,
} from "./lease-options.js";

/** Why leading ended: "released" after the caller aborted, "lost" when renewal failed or was taken. */
export type LeadershipEnd = "released" | "lost";

/** Callbacks around leadership; exceptions they throw are logged and never stop the elector. */
export interface LeadershipHooks {
  onStartedLeading?(): void;
  onStoppedLeading?(): void;
  onNewLeader?(identity: string): void;
}

/**
 * Lease-based leader election with client-go's semantics, so exactly one replica writes to the
 * cloud (docs/design.md, safety rule 6). Expiry and the leader's own validity are judged on the
 * monotonic clock only; writers call `assertLeader()` immediately before every cloud write.
 */
export class LeaderElector {
  readonly #options: LeaderElectionOptions;
  readonly #log: Logger;
  readonly #claim: LeaseClaim;
  #hooks: LeadershipHooks = {};
  #running = false;

  constructor(options: LeaderElectionOptions) {
    validateLeaderElectionOptions(options);
    this.#options = options;
    const log = options.logger.child({ component: "leader-election", identity: options.identity });
    this.#log = log;
    this.#claim = new LeaseClaim({
      ...options,
      log,
      onNewHolder: (holder) => {
        if (holder !== options.identity) log.info({ holder }, "new leader observed");
        this.#callHook("onNewLeader", () => this.#hooks.onNewLeader?.(holder));
      },
    });
  }

  /**
   * Campaigns until leader, then renews; resolves "lost" if renewal fails past the renew deadline
   * or another holder is seen, or "released" after `signal` aborts (releasing the lease if held).
   */
  async run(signal: AbortSignal, hooks: LeadershipHooks = {}): Promise<LeadershipEnd> {
    if (this.#running) throw new Error("LeaderElector.run() is already running");
    this.#running = true;
    this.#hooks = hooks;
    try {
      if (!(await this.#campaign(signal))) {
        const mayHold = this.#claim.isPending || this.#claim.renewedAtMs !== undefined;
        this.#claim.drop();
        if (mayHold) await this.#release();
        return "released";
      }
      this.#log.info({ holder: this.#options.identity }, "lease acquired");
      this.#callHook("onStartedLeading", () => hooks.onStartedLeading?.());
      const end = await this.#renewUntilEnd(signal);
      this.#claim.drop();
      if (end === "lost") this.#log.warn({ holder: this.currentLeader() }, "leadership lost");
      this.#callHook("onStoppedLeading", () => hooks.onStoppedLeading?.());
      if (end === "released") await this.#release();
      return end;
    } finally {
      this.#running = false;
    }
  }

  /** True only while the lease is held and the last successful renewal started within the renew deadline. */
  isLeader(): boolean {
    return this.#remainingMs() > 0;
  }

  /** Guard for the applier before every cloud write: throws LeadershipLostError unless leading. */
  assertLeader(): void {
    if (!this.isLeader()) throw new LeadershipLostError();
  }

  /** Identity of the last observed holder, for logs and status; undefined when free or unknown. */
  currentLeader(): string | undefined {
    return this.#claim.holder();
  }

  async #campaign(signal: AbortSignal): Promise<boolean> {
    const { clock, retryPeriodMs, renewDeadlineMs } = this.#options;
    const jitter = this.#options.jitter ?? Math.random;
    while (!signal.aborted) {
      const outcome = await within(clock, this.#claim.attempt(), renewDeadlineMs, signal);
      if (outcome === true && this.isLeader()) return true;
      if (outcome === ABORTED) return false;
      // Poll every jittered retry period as client-go does, but never past the moment the
      // holder's lease expires as we observed it: a standby then tries at once, which takes up to
      // a whole retry period off the takeover after a leader died.
      const retryMs = retryPeriodMs * (1 + JITTER_FACTOR * jitter());
      const expiresInMs = this.#claim.otherHolderExpiresInMs();
      const waitMs =
        expiresInMs === undefined ? retryMs : Math.min(retryMs, Math.max(expiresInMs + 1, 1));
      if (!(await sleepUnlessAborted(clock, waitMs, signal))) return false;
    }
    return false;
  }

  async #renewUntilEnd(signal: AbortSignal): Promise<LeadershipEnd> {
    const { clock, retryPeriodMs } = this.#options;
    let renewed = true;
    for (;;) {
      // A slow success (acquisition or renewal) can leave less than a retry period before the
      // deadline: then try again halfway there instead of sleeping the deadline out untried.
      const remaining = this.#remainingMs();
      const pauseMs = Math.min(retryPeriodMs, renewed ? remaining / 2 : remaining);
      if (!(await sleepUnlessAborted(clock, pauseMs, signal))) return "released";
      const remainingMs = this.#remainingMs();
      if (remainingMs <= 0) return "lost";
      const outcome = await within(clock, this.#claim.attempt(), remainingMs, signal);
      if (outcome === ABORTED) return "released";
      renewed = outcome === true;
    }
  }

  /** Time left before the renew deadline; zero when the lease is not held. */
  #remainingMs(): number {
    const renewedAt = this.#claim.renewedAtMs;
    if (renewedAt === undefined) return 0;
    return renewedAt + this.#options.renewDeadlineMs - this.#options.clock.monotonicMs();
  }

  /** Release failures are logged, never thrown: the process is shutting down anyway. */
  async #release(): Promise<void> {
    const { clock, identity, renewDeadlineMs } = this.#options;
    try {
      const outcome = await within(clock, this.#claim.release(), renewDeadlineMs);
      if (outcome === true) this.#log.info({ holder: identity }, "lease released");
      else if (outcome !== false) this.#log.warn({ renewDeadlineMs }, "lease release timed out");
    } catch (err) {
      this.#log.warn({ err }, "lease release failed");
    }
  }

  #callHook(name: keyof LeadershipHooks, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.#log.error({ err, hook: name }, "leader election hook failed");
    }
  }
}
