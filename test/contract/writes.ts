/**
 * The writes and plan actions the contract suite sends, built the way the planner and applier
 * build them, so the providers are exercised with exactly what production gives them.
 */
import type { Provider, RouteWrite } from "../../providers/types.js";
import { mustParseCidr } from "../../src/domain/cidr.js";
import type { Action } from "../../src/domain/plan.js";
import type { ObservedRoute, RouteOwner, RouteTarget } from "../../src/domain/route.js";

/** A route write for `table`/`cidr`; a create records ownership, a plain move does not. */
export function routeWrite(
  kind: RouteWrite["kind"],
  table: string,
  cidr: string,
  owner: RouteOwner,
  target?: RouteTarget,
): RouteWrite {
  return {
    kind,
    table,
    cidr: mustParseCidr(cidr),
    target: kind === "delete" ? undefined : target,
    owner,
    adopt: false,
    routeExists: kind !== "create",
    ownerChanged: kind === "create",
  };
}

/** A create action as the planner emits it, for driving `applyPlan`. */
export function createAction(
  table: string,
  cidr: string,
  owner: RouteOwner,
  target: RouteTarget,
): Action {
  return {
    kind: "create",
    table,
    cidr,
    service: owner.service,
    target,
    currentTargetId: undefined,
    currentTargetDescription: undefined,
    owner,
    adopt: false,
    routeExists: false,
    ownerChanged: true,
    reason: `${owner.service} requests ${cidr} and no route exists`,
  };
}

/** Writes the same thing to every table, one table after the other. */
export async function writeEverywhere(
  provider: Provider,
  tables: readonly string[],
  write: (table: string) => RouteWrite,
): Promise<void> {
  for (const table of tables) await provider.applyWrite(write(table));
}

/** Every listed route for `cidr`, per table in the order of `tables` (undefined when absent). */
export async function listedRoutes(
  provider: Provider,
  tables: readonly string[],
  cidr: string,
): Promise<(ObservedRoute | undefined)[]> {
  const listed = await provider.listTables();
  return tables.map((id) =>
    listed.find((t) => t.id === id)?.routes.find((route) => route.cidr === cidr),
  );
}

/** Every listed route for `cidr` in every table, dangling ownership records included. */
export async function allListed(provider: Provider, cidr: string): Promise<ObservedRoute[]> {
  const listed = await provider.listTables();
  return listed.flatMap((t) => t.routes.filter((route) => route.cidr === cidr));
}
