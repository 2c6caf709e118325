import type { IpFamily } from "../domain/cidr.js";
import type { Refusal, ServiceNote } from "../domain/plan.js";
import type { DesiredRoute, ObservedTable, RouteTarget } from "../domain/route.js";
import type { ServiceIntent, ServiceKey } from "../domain/service.js";
import { isOurs } from "./ownership.js";
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
  /** `table|cidr` pairs whose owned route is kept unchanged, with the reason. */
  readonly held: ReadonlyMap<string, string>;
  readonly refusals: readonly Refusal[];
  readonly notes: readonly ServiceNote[];
}

/** Key of a (route table, CIDR) pair. */
export function pairKey(table: string, cidr: string): string {
  return `${table}|${cidr}`;
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
  const held = new Map<string, string>();
  const routes: DesiredRoute[] = [];
  const claims = new Map<string, ServiceKey>();
  const ownedBy = new Map<
    ServiceKey,
    { table: string; cidr: string; targetId: string | undefined }[]
  >();
  for (const table of input.tables) {
    for (const route of table.routes) {
      if (!isOurs(route, input.clusterId) || route.owner === undefined) continue;
      const list = ownedBy.get(route.owner.service) ?? [];
      list.push({
        table: table.id,
        cidr: route.cidr,
        targetId: route.exists ? route.targetId : undefined,
      });
      ownedBy.set(route.owner.service, list);
    }
  }
  const freeze = (service: ServiceKey, reason: string) => {
    for (const owned of ownedBy.get(service) ?? [])
      held.set(pairKey(owned.table, owned.cidr), reason);
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
    const pairs = intent.cidrs.flatMap((cidr) => tables.map((table) => ({ table, cidr })));
    if (refused.length === 0) {
      for (const { table, cidr } of pairs) {
        const holder = claims.get(pairKey(table, cidr.text));
        if (holder === undefined) continue;
        refused.push({
          service: intent.key,
          reason: "RouteConflict",
          message: `${cidr.text} in ${table} is already requested by the older Service ${holder}; remove it from one of them`,
        });
      }
    }
    if (refused.length > 0) {
      // All or nothing: a partly refused request changes nothing, so a typo never moves traffic.
      refusals.push(...refused);
      freeze(intent.key, "request refused; routes are left as they are");
      continue;
    }
    for (const { table, cidr } of pairs) claims.set(pairKey(table, cidr.text), intent.key);
    if (pairs.length === 0) continue;
    const families = [...new Set(pairs.map((p) => p.cidr.family))].sort() as IpFamily[];
    const current = (ownedBy.get(intent.key) ?? []).flatMap((o) =>
      o.targetId === undefined ? [] : [o.targetId],
    );
    const choice = selectTarget(intent.endpoints, families, input.targets, current);
    if (choice.kind === "node") {
      for (const { table, cidr } of pairs) {
        const target = choice.targets.get(cidr.family);
        if (target !== undefined) routes.push({ table, cidr, target, service: intent.key });
      }
      continue;
    }
    const holdAll = (reason: string) => {
      for (const { table, cidr } of pairs) held.set(pairKey(table, cidr.text), reason);
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
