/**
 * Turns the routes of the VPC network into the ObservedTable the planner reads. GCP allows
 * several routes for one destination (different priorities), and make-before-break briefly
 * leaves two of ours; the planner keys routes by (table, CIDR) and keeps the first it sees, so:
 * routes of others (foreign, or another cluster's) come first, each as listed, so a CIDR someone
 * else also routes is always seen as theirs (a conflict, never overwritten); of our own routes
 * only the one in effect (best priority, then oldest name order) is reported, counting our other
 * routes for that CIDR as `leftovers` of an interrupted switch, so the planner asks for a write
 * that deletes them even when the route in effect is right.
 */
import type { ObservedRoute, ObservedTable } from "../../src/domain/route.js";
import { parseOwner } from "./naming.js";
import type { GcpRoute } from "./port.js";
import { instanceIdOfUrl } from "./resource-paths.js";

/** Human-readable next hop: `instance node-a (europe-west1-b)`, `IP 10.0.0.9`... */
export function describeNextHop(route: GcpRoute): string {
  if (route.nextHopInstance !== undefined) {
    const match = /zones\/([^/]+)\/instances\/([^/]+)$/.exec(route.nextHopInstance);
    return match ? `instance ${match[2]} (${match[1]})` : `instance ${route.nextHopInstance}`;
  }
  if (route.nextHopIp !== undefined) return `IP ${route.nextHopIp}`;
  return route.otherNextHop ?? "unknown next hop";
}

/** Routes of ours for `cidr`, in effect first (best priority; ties by name). */
export function ownRoutesFor(
  routes: readonly GcpRoute[],
  cidr: string,
  clusterId: string,
): GcpRoute[] {
  return routes
    .filter((r) => r.destRange === cidr && parseOwner(r)?.clusterId === clusterId)
    .sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
}

function observed(table: string, route: GcpRoute, leftovers = 0): ObservedRoute {
  return {
    table,
    cidr: route.destRange,
    targetId:
      route.nextHopInstance === undefined ? undefined : instanceIdOfUrl(route.nextHopInstance),
    targetDescription: describeNextHop(route),
    owner: parseOwner(route),
    exists: true,
    ...(leftovers > 0 ? { leftovers } : {}),
  };
}

/** The network as one ObservedTable: others' routes first, then our one route per CIDR. */
export function toObservedTable(
  table: string,
  routes: readonly GcpRoute[],
  clusterId: string,
): ObservedTable {
  const others = routes
    .filter((r) => parseOwner(r)?.clusterId !== clusterId)
    .sort(
      (a, b) =>
        a.destRange.localeCompare(b.destRange) ||
        a.priority - b.priority ||
        a.name.localeCompare(b.name),
    );
  const cidrs = new Set(
    routes.filter((r) => parseOwner(r)?.clusterId === clusterId).map((r) => r.destRange),
  );
  const ours = [...cidrs].sort().flatMap((cidr) => {
    const [inEffect, ...leftovers] = ownRoutesFor(routes, cidr, clusterId);
    return inEffect === undefined ? [] : [observed(table, inEffect, leftovers.length)];
  });
  return { id: table, routes: [...others.map((r) => observed(table, r)), ...ours] };
}
