import type { ObservedRoute } from "../domain/route.js";

/** How a route relates to this controller: the single ownership guard every write goes through. */
export type Ownership = "ours" | "other-cluster" | "unowned";

/** Classifies a route by its ownership record; a malformed record is never "ours". */
export function classifyOwnership(route: ObservedRoute, clusterId: string): Ownership {
  if (route.owner === undefined) return "unowned";
  return route.owner.clusterId === clusterId && clusterId !== "" ? "ours" : "other-cluster";
}

/** True when the route carries this cluster's ownership record. */
export function isOurs(route: ObservedRoute, clusterId: string): boolean {
  return classifyOwnership(route, clusterId) === "ours";
}

/** True when the controller may delete the route: only ever its own. */
export function mayDelete(route: ObservedRoute, clusterId: string): boolean {
  return isOurs(route, clusterId);
}
