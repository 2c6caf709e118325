/**
 * Every request the fake served, by REST method (`routes.insert`, `globalOperations.wait`...), so
 * tests can assert API budgets ("one list call in steady state") and retries.
 */

/** One served request. */
export interface CallEntry {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The answer came from fault injection (status, timeout or reset). */
  readonly faulted: boolean;
}

/** Append-only log of served requests. */
export class CallLog {
  private readonly entries: CallEntry[] = [];

  /** Records one request; called by the router only. */
  record(entry: CallEntry): void {
    this.entries.push(entry);
  }

  /** How many calls of `operation` were served (all operations when omitted). */
  count(operation?: string): number {
    return operation === undefined
      ? this.entries.length
      : this.entries.filter((e) => e.operation === operation).length;
  }

  /** Calls per operation, e.g. `{ "routes.list": 1 }`. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
    return counts;
  }

  /** All calls in order. */
  all(): readonly CallEntry[] {
    return [...this.entries];
  }

  /** Forgets everything, e.g. between the arrange and assert phases of a test. */
  reset(): void {
    this.entries.length = 0;
  }
}
