import type { Clock } from "../clock.js";
import { isConflict } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { LeaseObservation } from "./lease-observation.js";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";

/** What a LeaseClaim needs: who we are, where the lease lives, and whom to tell about new holders. */
export interface LeaseClaimOptions {
  identity: string;
  leaseDurationMs: number;
  store: LeaseStore;
  clock: Clock;
  log: Logger;
  onNewHolder(holder: string): void;
}

/**
 * Our claim on the lease: client-go's tryAcquireOrRenew and release against the store, and the
 * monotonic time the claim was last confirmed. The elector owns the timing; this owns the record.
 */
export class LeaseClaim {
  readonly #options: LeaseClaimOptions;
  readonly #leaseSeconds: number;
  readonly #observation = new LeaseObservation();
  #renewedAtMs: number | undefined;
  /** Bumped by `drop()`, so a late answer to an older request cannot revive the claim. */
  #term = 0;
  #inFlight: Promise<boolean> | undefined;
  #reportedHolder: string | undefined;

  constructor(options: LeaseClaimOptions) {
    this.#options = options;
    this.#leaseSeconds = Math.ceil(options.leaseDurationMs / 1000);
  }

  /** Monotonic start of the last successful acquire or renew; undefined while we do not hold it. */
  get renewedAtMs(): number | undefined {
    return this.#renewedAtMs;
  }

  /** True while a store request is under way; its answer may still make us holder. */
  get isPending(): boolean {
    return this.#inFlight !== undefined;
  }

  /** The holder in the last record seen, if any. */
  holder(): string | undefined {
    return this.#observation.holder();
  }

  /** Milliseconds until another holder's lease expires as we observed it; undefined if unknown. */
  otherHolderExpiresInMs(): number | undefined {
    const holder = this.#observation.holder();
    if (holder === undefined || holder === this.#options.identity) return undefined;
    const { clock, leaseDurationMs } = this.#options;
    return this.#observation.expiresInMs(clock.monotonicMs(), leaseDurationMs);
  }

  /** Forgets the claim at once (leadership ended), whatever requests are still under way. */
  drop(): void {
    this.#term += 1;
    this.#renewedAtMs = undefined;
  }

  /** One tryAcquireOrRenew, or the one already under way (attempts never overlap); never rejects. */
  attempt(): Promise<boolean> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const action = this.#renewedAtMs === undefined ? "acquire" : "renew";
    const attempt = this.#tryAcquireOrRenew(this.#term)
      .catch((err: unknown) => {
        if (isConflict(err)) this.#options.log.debug({ err }, `lease ${action} conflicted`);
        else this.#options.log.warn({ err }, `lease ${action} failed`);
        return false;
      })
      .finally(() => {
        if (this.#inFlight === attempt) this.#inFlight = undefined;
      });
    this.#inFlight = attempt;
    return attempt;
  }

  /**
   * Hands the lease over like client-go's ReleaseOnCancel: empty holder, 1 s duration, so a standby
   * takes it at its next try. Waits for the request under way first; false when it was not ours.
   */
  async release(): Promise<boolean> {
    const { clock, store, identity } = this.#options;
    await this.#inFlight;
    const current = await store.get();
    if (current === undefined || current.holderIdentity !== identity) return false;
    const now = clock.wallNow();
    const released = await store.update({
      ...current,
      holderIdentity: "",
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
    });
    this.#see(released, this.#term);
    return true;
  }

  async #tryAcquireOrRenew(term: number): Promise<boolean> {
    const { clock, store, identity, leaseDurationMs } = this.#options;
    const startedMs = clock.monotonicMs();
    const current = await store.get();
    let written: LeaseRecord;
    if (current === undefined) {
      const now = clock.wallNow();
      written = await store.create({
        holderIdentity: identity,
        leaseDurationSeconds: this.#leaseSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      });
    } else {
      this.#see(current, term);
      const holder = this.#observation.holder();
      const isFree = holder === undefined || holder === identity;
      if (!isFree && !this.#observation.hasExpired(clock.monotonicMs(), leaseDurationMs)) {
        return false;
      }
      written = await store.update(this.#claimed(current));
    }
    this.#see(written, term);
    if (term !== this.#term) return false;
    this.#renewedAtMs = startedMs;
    return true;
  }

  /** The record that makes us holder: a renewal keeps acquireTime, a takeover counts a transition. */
  #claimed(current: LeaseRecord): LeaseRecord {
    const now = this.#options.clock.wallNow();
    const isRenewal = current.holderIdentity === this.#options.identity;
    return {
      ...current,
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: this.#leaseSeconds,
      renewTime: now,
      acquireTime: isRenewal ? (current.acquireTime ?? now) : now,
      leaseTransitions: isRenewal ? current.leaseTransitions : current.leaseTransitions + 1,
    };
  }

  /** Notes a record read or written; seeing another holder ends our claim at once. */
  #see(record: LeaseRecord, term: number): void {
    this.#observation.observe(record, this.#options.clock.monotonicMs());
    const holder = this.#observation.holder();
    if (holder !== this.#options.identity && term === this.#term) this.#renewedAtMs = undefined;
    if (holder === this.#reportedHolder) return;
    this.#reportedHolder = holder;
    if (holder !== undefined) this.#options.onNewHolder(holder);
  }
}
