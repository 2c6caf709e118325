import type { Cidr } from "../domain/cidr.js";
import type { ServiceKey } from "../domain/service.js";

interface Claim {
  readonly service: ServiceKey;
  readonly tables: ReadonlySet<string>;
}

/**
 * Which Service requested each (route table, CIDR) pair, kept per CIDR rather than per pair: a
 * Service asking for 100 CIDRs in 1,000 tables is 100 entries here, not 100,000, and a CIDR
 * nobody else asked for costs one lookup to check.
 */
export class Claims {
  private readonly byCidr = new Map<string, Claim[]>();

  /** Records that `service` requested every CIDR in every one of `tables`. */
  claim(service: ServiceKey, cidrs: readonly Cidr[], tables: ReadonlySet<string>): void {
    for (const cidr of cidrs) {
      const claims = this.byCidr.get(cidr.text);
      if (claims === undefined) this.byCidr.set(cidr.text, [{ service, tables }]);
      else claims.push({ service, tables });
    }
  }

  /** The Service that claimed the pair, if any. */
  ownerOf(table: string, cidr: string): ServiceKey | undefined {
    return this.byCidr.get(cidr)?.find((c) => c.tables.has(table))?.service;
  }

  /** The tables among `tables` (in their order) where `cidr` is already claimed. */
  claimedIn(cidr: string, tables: readonly string[]): string[] {
    const claims = this.byCidr.get(cidr);
    if (claims === undefined) return [];
    return tables.filter((table) => claims.some((c) => c.tables.has(table)));
  }
}
