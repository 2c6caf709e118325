import type { Plan } from "../domain/plan.js";
import { computeGrants, type PlanInput } from "./desired.js";
import { diffRoutes } from "./diff.js";

export type { PlanInput } from "./desired.js";

/**
 * The pure planner: `(desired, observed, ownership, policy) -> Plan`. Shared by the controller
 * and the `plan` command; it performs no I/O, so everything it decides is testable as values.
 * Actions come sorted by route table, then CIDR.
 */
export function planRoutes(input: PlanInput): Plan {
  const desired = computeGrants(input);
  const actions = diffRoutes({
    clusterId: input.clusterId,
    adoptExistingRoutes: input.adoptExistingRoutes,
    tables: input.tables,
    grants: desired.grants,
    held: desired.held,
  });
  return { actions, refusals: desired.refusals, notes: desired.notes };
}
