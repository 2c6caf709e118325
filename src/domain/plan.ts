import type { RouteOwner, RouteTarget } from "./route.js";
import type { ServiceKey } from "./service.js";

/** What the planner decided for one (route table, CIDR) pair. */
export type ActionKind = "create" | "replace" | "delete" | "keep" | "conflict";

/** One step of a plan; write kinds carry everything the applier and provider need. */
export interface Action {
  readonly kind: ActionKind;
  readonly table: string;
  readonly cidr: string;
  readonly service: ServiceKey;
  /** Target after the action (create, replace, keep); undefined for delete and conflict. */
  readonly target: RouteTarget | undefined;
  /** Target id the cloud has now, if a route exists. */
  readonly currentTargetId: string | undefined;
  readonly currentTargetDescription: string | undefined;
  /** The ownership to record with the route (create, replace), or the one being released (delete). */
  readonly owner: RouteOwner;
  /** True when replacing/claiming a route that had no ownership record (adoptExistingRoutes). */
  readonly adopt: boolean;
  /** False when only the ownership record is left to remove (its route is already gone). */
  readonly routeExists: boolean;
  /** True when the ownership record must be written (create, adoption, a new owning Service); a plain move keeps it. */
  readonly ownerChanged: boolean;
  /** Sentence explaining the decision, shown by `plan` and in logs and Events. */
  readonly reason: string;
}

/** Why a requested route was refused before any cloud call; each becomes an Event on the Service. */
export interface Refusal {
  readonly service: ServiceKey;
  /** Event reason, e.g. `CidrNotAllowed`, `InvalidAnnotation`, `RouteConflict`. */
  readonly reason: string;
  readonly message: string;
}

/** Per-Service facts the reporter needs besides actions (e.g. no ready endpoint). */
export interface ServiceNote {
  readonly service: ServiceKey;
  readonly reason: string;
  readonly message: string;
}

/** The planner's output: a value, computed in full before anything is applied. */
export interface Plan {
  readonly actions: readonly Action[];
  readonly refusals: readonly Refusal[];
  readonly notes: readonly ServiceNote[];
}

/** Actions that change the cloud. */
export const writeKinds: ReadonlySet<ActionKind> = new Set(["create", "replace", "delete"]);

/** True when the action changes the cloud. */
export function isWrite(action: Action): boolean {
  return writeKinds.has(action.kind);
}
