import type { Action, Plan } from "../domain/plan.js";
import { computeDesired, type PlanInput } from "./desired.js";
import { diffRoutes } from "./diff.js";

export type { PlanInput } from "./desired.js";

const order = (a: Action, b: Action): number =>
  a.table === b.table
    ? a.cidr < b.cidr
      ? -1
      : a.cidr > b.cidr
        ? 1
        : 0
    : a.table < b.table
      ? -1
      : 1;

/**
 * The pure planner: `(desired, observed, ownership, policy) -> Plan`. Shared by the controller
 * and the `plan` command; it performs no I/O, so everything it decides is testable as values.
 */
export function planRoutes(input: PlanInput): Plan {
  const desired = computeDesired(input);
  const actions = diffRoutes({
    clusterId: input.clusterId,
    adoptExistingRoutes: input.adoptExistingRoutes,
    tables: input.tables,
    desired: desired.routes,
    held: desired.held,
  }).sort(order);
  return { actions, refusals: desired.refusals, notes: desired.notes };
}
