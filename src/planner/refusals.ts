import type { Refusal } from "../domain/plan.js";
import type { ServiceIntent } from "../domain/service.js";
import type { Claims } from "./claims.js";
import { type CidrPolicy, checkCidr } from "./policy.js";

/** The route tables the controller manages: sorted ids, and the same as a set for lookups. */
export interface ManagedTables {
  readonly ids: readonly string[];
  readonly set: ReadonlySet<string>;
}

/**
 * Everything wrong with one Service's request, checked in age order against the pairs older
 * Services already claimed. Any refusal refuses the whole request (all or nothing). Conflicts are
 * only looked for in an otherwise valid request, so they name real, managed tables.
 */
export function findRefusals(
  intent: ServiceIntent,
  policy: CidrPolicy,
  managed: ManagedTables,
  claims: Claims,
): Refusal[] {
  const refused: Refusal[] = [];
  for (const id of intent.routeTables ?? []) {
    if (managed.set.has(id)) continue;
    refused.push({
      service: intent.key,
      reason: "InvalidAnnotation",
      message: `annotation vpc-route-sync.io/route-tables: ${id} is not a route table this controller manages (managed: ${managed.ids.join(", ") || "none"}); remove it or ask the admin to add it`,
    });
  }
  for (const cidr of intent.cidrs) {
    const verdict = checkCidr(cidr, policy);
    if (!verdict.allowed)
      refused.push({ service: intent.key, reason: verdict.reason, message: verdict.message });
  }
  if (refused.length > 0) return refused;
  for (const cidr of intent.cidrs) {
    const taken = claims.claimedIn(cidr.text, intent.routeTables ?? managed.ids);
    const first = taken[0];
    if (first === undefined) continue;
    const more = taken.length > 1 ? ` (and ${taken.length - 1} more route table(s))` : "";
    refused.push({
      service: intent.key,
      reason: "RouteConflict",
      message: `${cidr.text} in ${first}${more} is already requested by the older Service ${claims.ownerOf(first, cidr.text)}; remove it from one of them`,
    });
  }
  return refused;
}
