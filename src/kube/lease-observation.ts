import type { LeaseRecord } from "./lease-store.js";

/**
 * What this process last saw of the lease, and when on its own monotonic clock it first saw that
 * version. Another holder's expiry is judged only from that moment, never from the timestamps in
 * the Lease, so clock skew between nodes and wall-clock jumps cannot cut a leader's term short.
 */
export class LeaseObservation {
  #record: LeaseRecord | undefined;
  #observedAtMs = 0;

  /** Remembers `record`; the observation time restarts only when the record differs from the last one. */
  observe(record: LeaseRecord, nowMs: number): void {
    if (this.#record === undefined || !isSameRecord(this.#record, record)) {
      this.#observedAtMs = nowMs;
    }
    this.#record = record;
  }

  /** The holder of the last record seen; undefined when none was seen or the lease was released. */
  holder(): string | undefined {
    const holder = this.#record?.holderIdentity;
    return holder === "" ? undefined : holder;
  }

  /**
   * True once the last record has stayed unchanged for longer than its lease duration. The longer
   * of the record's own duration and `minDurationMs` (ours) applies, so a holder configured with a
   * longer lease than ours is never cut short, and a short record cannot lure us in early.
   */
  hasExpired(nowMs: number, minDurationMs: number): boolean {
    const expiresInMs = this.expiresInMs(nowMs, minDurationMs);
    return expiresInMs !== undefined && expiresInMs < 0;
  }

  /**
   * Milliseconds until the last record expires by the rule of `hasExpired` (negative once it has);
   * undefined when no record was seen. A standby uses it to try again right at the expiry.
   */
  expiresInMs(nowMs: number, minDurationMs: number): number | undefined {
    if (this.#record === undefined) return undefined;
    const durationMs = Math.max(this.#record.leaseDurationSeconds * 1000, minDurationMs);
    return this.#observedAtMs + durationMs - nowMs;
  }
}

function isSameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.resourceVersion === b.resourceVersion &&
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.leaseTransitions === b.leaseTransitions &&
    a.acquireTime?.getTime() === b.acquireTime?.getTime() &&
    a.renewTime?.getTime() === b.renewTime?.getTime()
  );
}
