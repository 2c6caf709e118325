import type { IpFamily } from "../domain/cidr.js";
import type { Refusal, ServiceNote } from "../domain/plan.js";
import type { DesiredRoute, ObservedTable, RouteTarget } from "../domain/route.js";
import type { ServiceIntent, ServiceKey } from "../domain/service.js";
import { isOurs } from "./ownership.js";
import { PairMap } from "./pair-map.js";
import { type CidrPolicy, checkCidr } from "./policy.js";
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

/** Desired state: routes to program, pairs to hold as they are, and what to tell each Service. */
export interface DesiredState {
  readonly routes: readonly DesiredRoute[];
  /** (table, CIDR) pairs whose owned route is kept unchanged, with the reason. */
  readonly held: PairMap<string>;
  readonly refusals: readonly Refusal[];
  readonly notes: readonly ServiceNote[];
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

/**
 * Turns Service intents into desired routes. Refused CIDRs, unknown route tables and CIDRs already
 * claimed by an older Service never become routes; each refusal is reported.
 */
export function computeDesired(input: PlanInput): DesiredState {
  const managed = input.tables.map((t) => t.id).sort();
  const managedSet = new Set(managed);
  const refusals: Refusal[] = [];
  const notes: ServiceNote[] = [];
  const held = new PairMap<string>();
  const routes: DesiredRoute[] = [];
  const claims = new PairMap<ServiceKey>();
  // Votes: how many of each Service's current routes point at each target (for stickiness).
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
    const refused: Refusal[] = [];
    for (const id of intent.routeTables ?? []) {
      if (managedSet.has(id)) continue;
      refused.push({
        service: intent.key,
        reason: "InvalidAnnotation",
        message: `annotation vpc-route-sync.io/route-tables: ${id} is not a route table this controller manages (managed: ${managed.join(", ") || "none"}); remove it or ask the admin to add it`,
      });
    }
    for (const cidr of intent.cidrs) {
      const verdict = checkCidr(cidr, input.policy);
      if (!verdict.allowed)
        refused.push({ service: intent.key, reason: verdict.reason, message: verdict.message });
    }
    const tables = intent.routeTables ?? managed;
    if (refused.length === 0) {
      for (const cidr of intent.cidrs) {
        const taken = tables.filter((table) => claims.get(table, cidr.text) !== undefined);
        const first = taken[0];
        if (first === undefined) continue;
        const more = taken.length > 1 ? ` (and ${taken.length - 1} more route table(s))` : "";
        refused.push({
          service: intent.key,
          reason: "RouteConflict",
          message: `${cidr.text} in ${first}${more} is already requested by the older Service ${claims.get(first, cidr.text)}; remove it from one of them`,
        });
      }
    }
    if (refused.length > 0) {
      // All or nothing: a partly refused request changes nothing, so a typo never moves traffic.
      refusals.push(...refused);
      freeze(intent.key, "request refused; routes are left as they are");
      continue;
    }
    for (const cidr of intent.cidrs)
      for (const table of tables) claims.set(table, cidr.text, intent.key);
    if (intent.cidrs.length === 0 || tables.length === 0) continue;
    const families = [...new Set(intent.cidrs.map((c) => c.family))].sort() as IpFamily[];
    const choice = selectTarget(
      intent.endpoints,
      families,
      input.targets,
      votes.get(intent.key) ?? new Map(),
    );
    if (choice.kind === "node") {
      for (const cidr of intent.cidrs) {
        const target = choice.targets.get(cidr.family);
        if (target === undefined) continue;
        for (const table of tables) routes.push({ table, cidr, target, service: intent.key });
      }
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
  return { routes, held, refusals, notes };
}
