import type { Cidr } from "../../src/domain/cidr.js";
import type { ObservedRoute, ObservedTable, RouteOwner } from "../../src/domain/route.js";
import { canonicalIp, canonicalPrefix, cidrOfOwnTag, clusterOfRouteName } from "./naming.js";
import type { AzureRoute, AzureRouteTable } from "./port.js";

/**
 * Shown as the Service of a route whose ownership tag is missing: another cluster's, or ours
 * after a concurrent tag write dropped the tag (the planner then rewrites it).
 */
export const unknownService = "(unknown)";

const serviceKeyPattern = /^[^/\s]+\/[^/\s]+$/;

/** Tag lookup the way ARM matches tag names: case-insensitively. */
function tagValue(tags: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(tags)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

function serviceOf(value: string | undefined): string | undefined {
  return value !== undefined && serviceKeyPattern.test(value) ? value : undefined;
}

/**
 * Ownership of an existing route: the name says which cluster, the tag (same key as the name)
 * says which Service. The name is the durable record: a route is a child resource that no other
 * writer's PUT or tag PATCH can rename. The tag is not: the tag PATCH replaces the whole set and
 * the API declares no If-Match, so a concurrent writer may drop it. Hence a route with our name
 * and no valid tag is still ours, with the Service unknown, so the planner rewrites the record;
 * another cluster's name is theirs with or without a tag, never adopted or replaced.
 */
function ownerOf(
  route: AzureRoute,
  cidr: Cidr,
  tags: Readonly<Record<string, string>>,
): RouteOwner | undefined {
  const cluster = clusterOfRouteName(route.name, cidr);
  if (cluster === undefined) return undefined;
  const service = serviceOf(tagValue(tags, route.name));
  return { clusterId: cluster, service: service ?? unknownService };
}

/** A route is in place only once its last operation succeeded (ARM RPC terminal states). */
function isInPlace(route: AzureRoute): boolean {
  return route.provisioningState === undefined || route.provisioningState === "Succeeded";
}

function describe(route: AzureRoute, ip: string | undefined): string {
  const hop = ip === undefined ? route.nextHopType : `${route.nextHopType} ${ip}`;
  const state = isInPlace(route) ? "" : `, provisioningState ${route.provisioningState}`;
  return `${hop} (route ${route.name}${state})`;
}

/**
 * Turns one route table GET into the planner's view: every route with a CIDR address prefix
 * (service-tag prefixes cannot collide with requested CIDRs and are skipped; a route not in
 * provisioningState Succeeded has no target), plus this
 * cluster's ownership tags whose route is gone (`exists: false`), so a crash between the tag
 * and route writes is repaired. Pure, so it is tested without ARM.
 */
export function observeTable(
  tableId: string,
  table: AzureRouteTable,
  clusterId: string,
): ObservedTable {
  const routes: ObservedRoute[] = [];
  const seen = new Set<string>();
  for (const route of table.routes) {
    const cidr = canonicalPrefix(route.addressPrefix);
    if (cidr === undefined) continue;
    seen.add(cidr.text);
    const ip =
      route.nextHopType === "VirtualAppliance" && route.nextHopIpAddress !== undefined
        ? canonicalIp(route.nextHopIpAddress)
        : undefined;
    // A route whose write failed, was canceled or is still running has no target in effect, so
    // the planner asks for it to be written again instead of trusting the body.
    routes.push({
      table: tableId,
      cidr: cidr.text,
      targetId: isInPlace(route) ? ip : undefined,
      targetDescription: describe(route, ip),
      owner: ownerOf(route, cidr, table.tags),
      exists: true,
    });
  }
  for (const [key, value] of Object.entries(table.tags)) {
    const cidr = cidrOfOwnTag(clusterId, key);
    const service = serviceOf(value);
    if (cidr === undefined || service === undefined || seen.has(cidr.text)) continue;
    seen.add(cidr.text);
    routes.push({
      table: tableId,
      cidr: cidr.text,
      targetId: undefined,
      targetDescription: "(no route)",
      owner: { clusterId, service },
      exists: false,
    });
  }
  return { id: tableId, routes };
}
