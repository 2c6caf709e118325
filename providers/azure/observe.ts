import type { Cidr } from "../../src/domain/cidr.js";
import type { ObservedRoute, ObservedTable, RouteOwner } from "../../src/domain/route.js";
import { canonicalIp, canonicalPrefix, cidrOfOwnTag, clusterOfRouteName } from "./naming.js";
import type { AzureRoute, AzureRouteTable } from "./port.js";

/** Shown as the Service of another cluster's route whose ownership tag is missing. */
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
 * says which Service. Our name without a valid tag is not claimed (no durable record); another
 * cluster's name is theirs even without a tag, so it is never adopted or replaced.
 */
function ownerOf(
  route: AzureRoute,
  cidr: Cidr,
  tags: Readonly<Record<string, string>>,
  clusterId: string,
): RouteOwner | undefined {
  const cluster = clusterOfRouteName(route.name, cidr);
  if (cluster === undefined) return undefined;
  const service = serviceOf(tagValue(tags, route.name));
  if (cluster === clusterId) return service === undefined ? undefined : { clusterId, service };
  return { clusterId: cluster, service: service ?? unknownService };
}

function describe(route: AzureRoute, ip: string | undefined): string {
  const hop = ip === undefined ? route.nextHopType : `${route.nextHopType} ${ip}`;
  return `${hop} (route ${route.name})`;
}

/**
 * Turns one route table GET into the planner's view: every route with a CIDR address prefix
 * (service-tag prefixes cannot collide with requested CIDRs and are skipped), plus this
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
    routes.push({
      table: tableId,
      cidr: cidr.text,
      targetId: ip,
      targetDescription: describe(route, ip),
      owner: ownerOf(route, cidr, table.tags, clusterId),
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
