import type { ObservedRoute, ObservedTable } from "../../src/domain/route.js";
import { canonicalCidrText } from "./cidr-text.js";
import { parseOwnershipTags } from "./ownership-tags.js";
import type { Ec2Route, Ec2RouteTable } from "./port.js";

/** A route table as the planner sees it, plus ownership tag keys that could not be read. */
export interface ObservedTableResult {
  readonly table: ObservedTable;
  readonly malformedKeys: readonly string[];
}

/**
 * Turns one described route table into routes with their ownership records. Every CIDR route is
 * listed (the planner must see foreign routes to report conflicts); prefix-list routes are
 * skipped since no CIDR can collide with them. An ownership tag without a route becomes a record
 * with `exists: false`, so the planner can finish or withdraw a half-done write.
 */
export function observeTable(source: Ec2RouteTable): ObservedTableResult {
  const { owners, malformedKeys } = parseOwnershipTags(source.tags);
  const routes: ObservedRoute[] = [];
  const seen = new Set<string>();
  for (const route of source.routes) {
    const raw = route.destinationCidr ?? route.destinationIpv6Cidr;
    if (raw === undefined) continue;
    const cidr = canonicalCidrText(raw) ?? raw;
    seen.add(cidr);
    routes.push({
      table: source.id,
      cidr,
      targetId: route.networkInterfaceId,
      targetDescription: describeRouteTarget(route),
      owner: owners.get(cidr),
      exists: true,
    });
  }
  for (const [cidr, owner] of owners) {
    if (seen.has(cidr)) continue;
    routes.push({
      table: source.id,
      cidr,
      targetId: undefined,
      targetDescription: "no route",
      owner,
      exists: false,
    });
  }
  return { table: { id: source.id, routes }, malformedKeys };
}

/**
 * `eni-0abc`, `eni-0abc (i-0def)`, `igw-1`, `local`, `i-0def`; `blackhole (...)` when AWS reports
 * the target gone or stopped, so a table printed for a human says why traffic is dropped.
 */
export function describeRouteTarget(route: Ec2Route): string {
  const base =
    route.networkInterfaceId !== undefined
      ? route.instanceId !== undefined
        ? `${route.networkInterfaceId} (${route.instanceId})`
        : route.networkInterfaceId
      : (route.otherTargetId ?? route.instanceId);
  if (route.state === "blackhole") return base === undefined ? "blackhole" : `blackhole (${base})`;
  return base ?? "unknown target";
}
