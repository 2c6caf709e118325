import type { Action, ActionKind } from "../domain/plan.js";
import type { DesiredRoute, ObservedRoute, ObservedTable, RouteOwner } from "../domain/route.js";
import { pairKey } from "./desired.js";
import { classifyOwnership, mayDelete } from "./ownership.js";

/** Inputs of the diff besides the desired routes. */
export interface DiffInput {
  readonly clusterId: string;
  readonly adoptExistingRoutes: boolean;
  readonly tables: readonly ObservedTable[];
  readonly desired: readonly DesiredRoute[];
  readonly held: ReadonlyMap<string, string>;
}

function action(
  kind: ActionKind,
  fields: {
    table: string;
    cidr: string;
    service: string;
    owner: RouteOwner;
    observed: ObservedRoute | undefined;
    desired?: DesiredRoute | undefined;
    adopt?: boolean;
    reason: string;
  },
): Action {
  const { observed } = fields;
  return {
    kind,
    table: fields.table,
    cidr: fields.cidr,
    service: fields.service,
    target: kind === "delete" || kind === "conflict" ? undefined : fields.desired?.target,
    currentTargetId: observed?.exists ? observed.targetId : undefined,
    currentTargetDescription: observed?.exists ? observed.targetDescription : undefined,
    owner: fields.owner,
    adopt: fields.adopt ?? false,
    routeExists: observed?.exists ?? false,
    ownerChanged:
      (kind === "create" || kind === "replace") &&
      (observed?.owner?.clusterId !== fields.owner.clusterId ||
        observed?.owner?.service !== fields.owner.service),
    reason: fields.reason,
  };
}

function planDesired(d: DesiredRoute, o: ObservedRoute | undefined, input: DiffInput): Action {
  const owner: RouteOwner = { clusterId: input.clusterId, service: d.service };
  const base = {
    table: d.table,
    cidr: d.cidr.text,
    service: d.service,
    owner,
    observed: o,
    desired: d,
  };
  const heldReason = input.held.get(pairKey(d.table, d.cidr.text));
  if (o === undefined)
    return action("create", {
      ...base,
      reason: `no route yet; routing to node ${d.target.nodeName}`,
    });
  const ownership = classifyOwnership(o, input.clusterId);
  if (ownership === "other-cluster") {
    return action("conflict", {
      ...base,
      reason: `the route belongs to cluster ${JSON.stringify(o.owner?.clusterId)} (Service ${o.owner?.service}); it is never touched`,
    });
  }
  if (ownership === "unowned") {
    if (!input.adoptExistingRoutes) {
      return action("conflict", {
        ...base,
        reason: `a route to ${o.targetDescription} exists and is not owned by vpc-route-sync; remove it or set adoptExistingRoutes`,
      });
    }
    return action("replace", {
      ...base,
      adopt: true,
      reason: `adopting the existing route to ${o.targetDescription}`,
    });
  }
  if (heldReason !== undefined)
    return action("keep", { ...base, desired: undefined, reason: heldReason });
  if (!o.exists)
    return action("create", {
      ...base,
      reason: "ownership record found but the route is gone; recreating",
    });
  if (o.targetId === d.target.id && o.owner?.service === d.service) {
    return action("keep", { ...base, reason: `in sync: routed to node ${d.target.nodeName}` });
  }
  if (o.targetId === d.target.id) {
    return action("replace", {
      ...base,
      reason: `ownership moves from ${o.owner?.service} to ${d.service}`,
    });
  }
  return action("replace", {
    ...base,
    reason: `moving from ${o.targetDescription} to node ${d.target.nodeName}`,
  });
}

/**
 * Compares desired routes with the cloud's routes, pair by pair. Only routes carrying this
 * cluster's ownership record are ever deleted or replaced (or unowned ones, when adoption is on).
 */
export function diffRoutes(input: DiffInput): Action[] {
  const observed = new Map<string, ObservedRoute>();
  for (const table of input.tables) {
    for (const route of table.routes) {
      const key = pairKey(table.id, route.cidr);
      const seen = observed.get(key);
      // A real route wins over a dangling ownership record for the same pair.
      if (seen === undefined || (!seen.exists && route.exists)) observed.set(key, route);
    }
  }
  const actions: Action[] = [];
  const desiredKeys = new Set<string>();
  for (const d of input.desired) {
    const key = pairKey(d.table, d.cidr.text);
    desiredKeys.add(key);
    actions.push(planDesired(d, observed.get(key), input));
  }
  for (const [key, o] of observed) {
    if (desiredKeys.has(key) || !mayDelete(o, input.clusterId) || o.owner === undefined) continue;
    const fields = {
      table: o.table,
      cidr: o.cidr,
      service: o.owner.service,
      owner: o.owner,
      observed: o,
    };
    const heldReason = input.held.get(key);
    if (heldReason !== undefined) {
      actions.push(action("keep", { ...fields, reason: heldReason }));
    } else {
      const reason = o.exists
        ? `no longer requested by ${o.owner.service}; withdrawing`
        : "stale ownership record without a route; removing it";
      actions.push(action("delete", { ...fields, reason }));
    }
  }
  return actions;
}
