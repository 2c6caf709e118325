import type { Action, ActionKind } from "../domain/plan.js";
import type { DesiredRoute, ObservedRoute, ObservedTable, RouteOwner } from "../domain/route.js";
import { classifyOwnership, mayDelete } from "./ownership.js";
import { PairMap } from "./pair-map.js";

/** Inputs of the diff besides the desired routes. */
export interface DiffInput {
  readonly clusterId: string;
  readonly adoptExistingRoutes: boolean;
  readonly tables: readonly ObservedTable[];
  readonly desired: readonly DesiredRoute[];
  readonly held: PairMap<string>;
}

/** Builds an action with positional fields: planning 100,000 pairs cannot afford spread objects. */
function action(
  kind: ActionKind,
  table: string,
  cidr: string,
  owner: RouteOwner,
  observed: ObservedRoute | undefined,
  target: DesiredRoute["target"] | undefined,
  reason: string,
  adopt = false,
): Action {
  const exists = observed?.exists === true;
  const writesRoute = kind === "create" || kind === "replace";
  return {
    kind,
    table,
    cidr,
    service: owner.service,
    target: kind === "delete" || kind === "conflict" ? undefined : target,
    currentTargetId: exists ? observed?.targetId : undefined,
    currentTargetDescription: exists ? observed?.targetDescription : undefined,
    owner,
    adopt,
    routeExists: exists,
    ownerChanged:
      writesRoute &&
      (observed?.owner?.clusterId !== owner.clusterId ||
        observed?.owner?.service !== owner.service),
    reason,
  };
}

function planDesired(
  d: DesiredRoute,
  o: ObservedRoute | undefined,
  owner: RouteOwner,
  input: DiffInput,
): Action {
  const { table, target } = d;
  const cidr = d.cidr.text;
  if (o === undefined)
    return action(
      "create",
      table,
      cidr,
      owner,
      o,
      target,
      `no route yet; routing to node ${target.nodeName}`,
    );
  const ownership = classifyOwnership(o, input.clusterId);
  if (ownership === "other-cluster") {
    const why = `the route belongs to cluster ${JSON.stringify(o.owner?.clusterId)} (Service ${o.owner?.service}); it is never touched`;
    return action("conflict", table, cidr, owner, o, target, why);
  }
  if (ownership === "unowned") {
    if (!input.adoptExistingRoutes) {
      const why = `a route to ${o.targetDescription} exists and is not owned by vpc-route-sync; remove it or set adoptExistingRoutes`;
      return action("conflict", table, cidr, owner, o, target, why);
    }
    return action(
      "replace",
      table,
      cidr,
      owner,
      o,
      target,
      `adopting the existing route to ${o.targetDescription}`,
      true,
    );
  }
  const heldReason = input.held.get(table, cidr);
  if (heldReason !== undefined) return action("keep", table, cidr, owner, o, undefined, heldReason);
  if (!o.exists)
    return action(
      "create",
      table,
      cidr,
      owner,
      o,
      target,
      "ownership record found but the route is gone; recreating",
    );
  if (o.targetId === target.id) {
    if (o.owner?.service === d.service)
      return action("keep", table, cidr, owner, o, target, "in sync");
    return action(
      "replace",
      table,
      cidr,
      owner,
      o,
      target,
      `ownership moves from ${o.owner?.service} to ${d.service}`,
    );
  }
  return action(
    "replace",
    table,
    cidr,
    owner,
    o,
    target,
    `moving from ${o.targetDescription} to node ${target.nodeName}`,
  );
}

/**
 * Compares desired routes with the cloud's routes, pair by pair. Only routes carrying this
 * cluster's ownership record are ever deleted or replaced (or unowned ones, when adoption is on).
 */
export function diffRoutes(input: DiffInput): Action[] {
  const observed = new PairMap<ObservedRoute>();
  for (const table of input.tables) {
    for (const route of table.routes) {
      const seen = observed.get(table.id, route.cidr);
      // A real route wins over a dangling ownership record for the same pair.
      if (seen === undefined || (!seen.exists && route.exists))
        observed.set(table.id, route.cidr, route);
    }
  }
  const actions: Action[] = [];
  const owners = new Map<string, RouteOwner>();
  for (const d of input.desired) {
    let owner = owners.get(d.service);
    if (owner === undefined) {
      owner = { clusterId: input.clusterId, service: d.service };
      owners.set(d.service, owner);
    }
    actions.push(planDesired(d, observed.get(d.table, d.cidr.text), owner, input));
    // What remains in `observed` afterwards is not desired by anyone.
    observed.delete(d.table, d.cidr.text);
  }
  for (const [table, cidr, o] of observed.entries()) {
    if (!mayDelete(o, input.clusterId) || o.owner === undefined) continue;
    const heldReason = input.held.get(table, cidr);
    if (heldReason !== undefined) {
      actions.push(action("keep", table, cidr, o.owner, o, undefined, heldReason));
    } else {
      const reason = o.exists
        ? `no longer requested by ${o.owner.service}; withdrawing`
        : "stale ownership record without a route; removing it";
      actions.push(action("delete", table, cidr, o.owner, o, undefined, reason));
    }
  }
  return actions;
}
