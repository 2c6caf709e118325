/**
 * The routes the pass's own `listTables` saw, kept for that pass's writes. The planner decided on
 * exactly this listing, so a write acts on it instead of listing its CIDR again, as the AWS and
 * Azure providers act on their pass's read. Each CIDR's routes serve one write only (a retry, or
 * another write of the CIDR, lists afresh, since a write changes them), and only while the listing
 * is younger than `maxAgeMs`, so a write held back by the rate limiter or by retries reads first.
 */
import type { Clock } from "../../src/clock.js";
import type { GcpRoute } from "./port.js";

/** How long a listing stands in for a per-CIDR list (a GCP operation itself takes seconds). */
export const listingMaxAgeMs = 5_000;

/** The latest network listing, handed out once per CIDR while fresh. */
export class RecentListing {
  private at = Number.NEGATIVE_INFINITY;
  private byCidr = new Map<string, GcpRoute[]>();
  private readonly taken = new Set<string>();
  private readonly clock: Clock;
  private readonly maxAgeMs: number;

  constructor(clock: Clock, maxAgeMs = listingMaxAgeMs) {
    this.clock = clock;
    this.maxAgeMs = maxAgeMs;
  }

  /** Keeps a complete listing of the network (every CIDR), replacing the previous one. */
  remember(routes: readonly GcpRoute[]): void {
    const byCidr = new Map<string, GcpRoute[]>();
    for (const route of routes)
      byCidr.set(route.destRange, [...(byCidr.get(route.destRange) ?? []), route]);
    this.byCidr = byCidr;
    this.taken.clear();
    this.at = this.clock.monotonicMs();
  }

  /** The listed routes for `cidr` (none is an answer too), or undefined: list again. */
  take(cidr: string): GcpRoute[] | undefined {
    if (this.clock.monotonicMs() - this.at > this.maxAgeMs || this.taken.has(cidr))
      return undefined;
    this.taken.add(cidr);
    return this.byCidr.get(cidr) ?? [];
  }
}
