import type { Cidr, IpFamily } from "../domain/cidr.js";
import type { Refusal, ServiceNote } from "../domain/plan.js";
import type { DesiredRoute, ObservedTable, RouteTarget } from "../domain/route.js";
import type { ServiceIntent, ServiceKey } from "../domain/service.js";
import { Claims } from "./claims.js";
import { isOurs } from "./ownership.js";
import { PairMap } from "./pair-map.js";
import type { CidrPolicy } from "./policy.js";
import { findRefusals, type ManagedTables } from "./refusals.js";
import { selectTarget } from "./target-selection.js";

/** Everything the planner needs, as plain values: the pure seam between observing and acting. */
export interface PlanInput {
  readonly clusterId: string;
  readonly policy: CidrPolicy;
  readonly adoptExistingRoutes: boolean;
  /** Services with syntactically valid annotations, in namespaces the admin allows. */
  readonly intents: readonly ServiceIntent[];
  /** Services whose routes must stay exactly as they are (e.g. an invalid annotation). */
  readonly frozen: readonly ServiceKey[];
  /** The managed route tables as the cloud has them now. */
  readonly tables: readonly ObservedTable[];
  /** Resolved targets keyed by `targetKey(node, family)`; missing means unresolved. */
  readonly targets: ReadonlyMap<string, RouteTarget>;
}

/**
 * One Service's accepted routes: each CIDR to its target, in every one of its tables. Kept in
 * this compact form because a Service's routes are the same in all its tables, and expanding
 * them costs one object per (table, CIDR) pair.
 */
export interface Grant {
  readonly service: ServiceKey;
  /** The tables the Service's routes go into, as requested (or every managed table, sorted). */
  readonly tables: readonly string[];
  /** The Service's CIDRs that have a target, in the order requested. */
  readonly routes: readonly { readonly cidr: Cidr; readonly target: RouteTarget }[];
}

/** Desired state as grants, plus the pairs to hold as they are and what to tell each Service. */
export interface DesiredGrants {
  readonly grants: readonly Grant[];
  /** (table, CIDR) pairs whose owned route is kept unchanged, with the reason. */
  readonly held: PairMap<string>;
  readonly refusals: readonly Refusal[];
  readonly notes: readonly ServiceNote[];
}

/** Desired state: routes to program, pairs to hold as they are, and what to tell each Service. */
export interface DesiredState extends Omit<DesiredGrants, "grants"> {
  readonly routes: readonly DesiredRoute[];
}

const byAge = (a: ServiceIntent, b: ServiceIntent): number =>
  a.createdAt === b.createdAt
    ? a.key < b.key
      ? -1
      : a.key > b.key
        ? 1
        : 0
    : a.createdAt < b.createdAt
      ? -1
      : 1;

/** How many of each Service's current routes point at each target (for stickiness). */
function countVotes(input: PlanInput): Map<ServiceKey, Map<string, number>> {
  const votes = new Map<ServiceKey, Map<string, number>>();
  for (const table of input.tables) {
    for (const route of table.routes) {
      if (!route.exists || route.targetId === undefined || route.owner === undefined) continue;
      if (!isOurs(route, input.clusterId)) continue;
      let perTarget = votes.get(route.owner.service);
      if (perTarget === undefined) {
        perTarget = new Map();
        votes.set(route.owner.service, perTarget);
      }
      perTarget.set(route.targetId, (perTarget.get(route.targetId) ?? 0) + 1);
    }
  }
  return votes;
}

/**
 * Turns Service intents into grants. Refused CIDRs, unknown route tables and CIDRs already
 * claimed by an older Service never become routes; each refusal is reported.
 */
export function computeGrants(input: PlanInput): DesiredGrants {
  const ids = input.tables.map((t) => t.id).sort();
  const managed: ManagedTables = { ids, set: new Set(ids) };
  const refusals: Refusal[] = [];
  const notes: ServiceNote[] = [];
  const held = new PairMap<string>();
  const grants: Grant[] = [];
  const claims = new Claims();
  let votes: Map<ServiceKey, Map<string, number>> | undefined;
  const freeze = (service: ServiceKey, reason: string) => {
    for (const table of input.tables) {
      for (const route of table.routes) {
        if (route.owner?.service === service && isOurs(route, input.clusterId))
          held.set(table.id, route.cidr, reason);
      }
    }
  };
  for (const service of input.frozen)
    freeze(service, "annotation is invalid; routes are left as they are");

  for (const intent of [...input.intents].sort(byAge)) {
    const refused = findRefusals(intent, input.policy, managed, claims);
    if (refused.length > 0) {
      // All or nothing: a partly refused request changes nothing, so a typo never moves traffic.
      refusals.push(...refused);
      freeze(intent.key, "request refused; routes are left as they are");
      continue;
    }
    const tables = intent.routeTables ?? managed.ids;
    claims.claim(intent.key, intent.cidrs, intent.routeTables ? new Set(tables) : managed.set);
    if (intent.cidrs.length === 0 || tables.length === 0) continue;
    const families = [...new Set(intent.cidrs.map((c) => c.family))].sort() as IpFamily[];
    const choice = selectTarget(intent.endpoints, families, input.targets, () => {
      votes ??= countVotes(input);
      return votes.get(intent.key) ?? new Map();
    });
    if (choice.kind === "node") {
      const routes = intent.cidrs.flatMap((cidr) => {
        const target = choice.targets.get(cidr.family);
        return target === undefined ? [] : [{ cidr, target }];
      });
      grants.push({ service: intent.key, tables, routes });
      continue;
    }
    const holdAll = (reason: string) => {
      for (const cidr of intent.cidrs)
        for (const table of tables) held.set(table, cidr.text, reason);
    };
    if (choice.kind === "unresolved") {
      notes.push({
        service: intent.key,
        reason: "TargetUnresolved",
        message: `no cloud target could be resolved for the ready endpoint node(s) ${choice.nodes.join(", ")}; routes are left as they are`,
      });
      holdAll("target of the ready node is unresolved");
    } else if (intent.withdrawHeld !== undefined) {
      notes.push({ service: intent.key, reason: "NoReadyEndpoint", message: intent.withdrawHeld });
      holdAll("no ready endpoint; withdraw held back");
    } else if (intent.onNoEndpoint === "keep") {
      notes.push({
        service: intent.key,
        reason: "NoReadyEndpoint",
        message:
          "no ready endpoint; keeping the last routes (vpc-route-sync.io/on-no-endpoint=keep)",
      });
      holdAll("no ready endpoint; on-no-endpoint=keep");
    } else {
      notes.push({
        service: intent.key,
        reason: "NoReadyEndpoint",
        message:
          "no ready endpoint; withdrawing routes (vpc-route-sync.io/on-no-endpoint=withdraw)",
      });
    }
  }
  return { grants, held, refusals, notes };
}

/** Desired state as one route per (table, CIDR) pair, for callers that want it spelled out. */
export function computeDesired(input: PlanInput): DesiredState {
  const { grants, held, refusals, notes } = computeGrants(input);
  const routes: DesiredRoute[] = [];
  for (const { service, tables, routes: granted } of grants) {
    for (const { cidr, target } of granted)
      for (const table of tables) routes.push({ table, cidr, target, service });
  }
  return { routes, held, refusals, notes };
}
