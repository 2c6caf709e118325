import type { Action, ActionKind } from "../domain/plan.js";
import type { ObservedRoute, ObservedTable, RouteOwner, RouteTarget } from "../domain/route.js";
import type { Grant } from "./desired.js";
import { classifyOwnership, mayDelete } from "./ownership.js";
import type { PairMap } from "./pair-map.js";
import { Reasons } from "./reasons.js";
import { emptyLayout, layOutTables, type TableLayout, type WantedRoute } from "./table-layout.js";

/** What the diff compares: the desired grants and holds against the tables the cloud has. */
export interface DiffInput {
  readonly clusterId: string;
  readonly adoptExistingRoutes: boolean;
  readonly tables: readonly ObservedTable[];
  readonly grants: readonly Grant[];
  readonly held: PairMap<string>;
}

/** The diff's inputs plus the reasons it writes, shared by every table of one plan. */
interface DiffContext extends DiffInput {
  readonly reasons: Reasons;
}

/** Builds an action with positional fields: planning 100,000 pairs cannot afford spread objects. */
function action(
  kind: ActionKind,
  table: string,
  cidr: string,
  owner: RouteOwner,
  observed: ObservedRoute | undefined,
  target: RouteTarget | undefined,
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

/** Decides one wanted pair, given the route the table has for it (if any) and any hold on it. */
function planWanted(
  table: string,
  w: WantedRoute,
  o: ObservedRoute | undefined,
  heldReason: string | undefined,
  context: DiffContext,
): Action {
  const { cidr, target, owner } = w;
  const { reasons } = context;
  if (o === undefined)
    return action("create", table, cidr, owner, o, target, reasons.created(target.nodeName));
  const ownership = classifyOwnership(o, context.clusterId);
  if (ownership === "other-cluster") {
    const why = reasons.otherCluster(o.owner?.clusterId, o.owner?.service);
    return action("conflict", table, cidr, owner, o, target, why);
  }
  if (ownership === "unowned") {
    if (!context.adoptExistingRoutes) {
      const why = reasons.unowned(o.targetDescription);
      return action("conflict", table, cidr, owner, o, target, why);
    }
    const why = reasons.adopted(o.targetDescription);
    return action("replace", table, cidr, owner, o, target, why, true);
  }
  if (heldReason !== undefined) return action("keep", table, cidr, owner, o, undefined, heldReason);
  if (!o.exists) return action("create", table, cidr, owner, o, target, reasons.recreated);
  if (o.targetId === target.id) {
    if (o.owner?.service === owner.service)
      return (o.leftovers ?? 0) > 0
        ? action("replace", table, cidr, owner, o, target, reasons.leftovers)
        : action("keep", table, cidr, owner, o, target, reasons.inSync);
    const why = reasons.ownershipMoved(o.owner?.service, owner.service);
    return action("replace", table, cidr, owner, o, target, why);
  }
  const why = reasons.moved(o.targetDescription, target.nodeName);
  return action("replace", table, cidr, owner, o, target, why);
}

/** Decides an owned route no Service wants: withdraw it, unless it is held. */
function planUnwanted(
  table: string,
  o: ObservedRoute,
  heldReason: string | undefined,
  owner: RouteOwner,
  reasons: Reasons,
): Action {
  if (heldReason !== undefined)
    return action("keep", table, o.cidr, owner, o, undefined, heldReason);
  const reason = o.exists ? reasons.withdrawn(owner.service) : reasons.staleRecord;
  return action("delete", table, o.cidr, owner, o, undefined, reason);
}

/** A real route wins over a dangling ownership record for the same pair; otherwise the first. */
const isBetter = (route: ObservedRoute, seen: ObservedRoute | undefined): boolean =>
  seen === undefined || (!seen.exists && route.exists);

const byCidr = (a: Action, b: Action): number => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0);

/** Plans one route table, appending its actions to `out` in CIDR order. */
function diffTable(
  table: string,
  observed: readonly ObservedTable[],
  layout: TableLayout,
  context: DiffContext,
  out: Action[],
): void {
  const { wanted, indexOf } = layout;
  const found = new Array<ObservedRoute | undefined>(wanted.length);
  const unwanted = new Map<string, ObservedRoute>();
  for (const { routes } of observed) {
    for (const route of routes) {
      const i = indexOf.get(route.cidr);
      if (i === undefined) {
        if (isBetter(route, unwanted.get(route.cidr))) unwanted.set(route.cidr, route);
      } else if (isBetter(route, found[i])) {
        found[i] = route;
      }
    }
  }
  const held = context.held.row(table);
  const withdrawals: Action[] = [];
  for (const o of unwanted.values()) {
    if (mayDelete(o, context.clusterId) && o.owner !== undefined)
      withdrawals.push(planUnwanted(table, o, held?.get(o.cidr), o.owner, context.reasons));
  }
  const plan = (w: WantedRoute, i: number) =>
    planWanted(table, w, found[i], held?.get(w.cidr), context);
  if (withdrawals.length === 0) {
    // The common case: `wanted` is already in CIDR order, so no sorting and no copying.
    wanted.forEach((w, i) => {
      out.push(plan(w, i));
    });
    return;
  }
  for (const a of wanted.map(plan).concat(withdrawals).sort(byCidr)) out.push(a);
}

/**
 * Compares the desired routes with the cloud's routes, table by table, pair by pair, and returns
 * the actions sorted by table then CIDR. Only routes carrying this cluster's ownership record are
 * ever deleted or replaced (or unowned ones, when adoption is on).
 */
export function diffRoutes(input: DiffInput): Action[] {
  const layouts = layOutTables(input.grants, input.clusterId);
  const observed = new Map<string, ObservedTable[]>();
  for (const table of input.tables) {
    const list = observed.get(table.id);
    if (list === undefined) observed.set(table.id, [table]);
    else list.push(table);
  }
  // Granted tables are managed ones, so normally observed too; the union needs no such promise.
  const ids = [...new Set([...observed.keys(), ...layouts.keys()])].sort();
  const context: DiffContext = { ...input, reasons: new Reasons() };
  const actions: Action[] = [];
  for (const table of ids)
    diffTable(
      table,
      observed.get(table) ?? [],
      layouts.get(table) ?? emptyLayout,
      context,
      actions,
    );
  return actions;
}
