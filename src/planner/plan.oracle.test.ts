import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterId, endpoint, input, intent, targets } from "../../test/unit/fixtures/planner.js";
import type { Action, ActionKind, Plan } from "../domain/plan.js";
import type { DesiredRoute, ObservedRoute, ObservedTable, RouteOwner } from "../domain/route.js";
import { computeDesired, type PlanInput } from "./desired.js";
import { classifyOwnership, mayDelete } from "./ownership.js";
import { PairMap } from "./pair-map.js";
import { planRoutes } from "./plan.js";

// The oracle: the planner's diff as it was before it went table by table. One desired route at a
// time against a map of every observed pair, each reason built in place, then one global sort.
// Slow, but obviously right; the planner must produce exactly the same plan.

function action(
  kind: ActionKind,
  table: string,
  cidr: string,
  owner: RouteOwner,
  o: ObservedRoute | undefined,
  target: DesiredRoute["target"] | undefined,
  reason: string,
  adopt = false,
): Action {
  const exists = o?.exists === true;
  const writes = kind === "create" || kind === "replace";
  return {
    kind,
    table,
    cidr,
    service: owner.service,
    target: kind === "delete" || kind === "conflict" ? undefined : target,
    currentTargetId: exists ? o?.targetId : undefined,
    currentTargetDescription: exists ? o?.targetDescription : undefined,
    owner,
    adopt,
    routeExists: exists,
    ownerChanged:
      writes && (o?.owner?.clusterId !== owner.clusterId || o?.owner?.service !== owner.service),
    reason,
  };
}

function decide(
  d: DesiredRoute,
  o: ObservedRoute | undefined,
  held: PairMap<string>,
  p: PlanInput,
) {
  const owner = { clusterId: p.clusterId, service: d.service };
  const [t, c, target] = [d.table, d.cidr.text, d.target];
  if (o === undefined) {
    const why = `no route yet; routing to node ${target.nodeName}`;
    return action("create", t, c, owner, o, target, why);
  }
  const ownership = classifyOwnership(o, p.clusterId);
  if (ownership === "other-cluster") {
    const why = `the route belongs to cluster ${JSON.stringify(o.owner?.clusterId)} (Service ${o.owner?.service}); it is never touched`;
    return action("conflict", t, c, owner, o, target, why);
  }
  if (ownership === "unowned") {
    if (!p.adoptExistingRoutes) {
      const why = `a route to ${o.targetDescription} exists and is not owned by vpc-route-sync; remove it or set adoptExistingRoutes`;
      return action("conflict", t, c, owner, o, target, why);
    }
    const why = `adopting the existing route to ${o.targetDescription}`;
    return action("replace", t, c, owner, o, target, why, true);
  }
  const heldReason = held.get(t, c);
  if (heldReason !== undefined) return action("keep", t, c, owner, o, undefined, heldReason);
  if (!o.exists) {
    const why = "ownership record found but the route is gone; recreating";
    return action("create", t, c, owner, o, target, why);
  }
  if (o.targetId === target.id) {
    if (o.owner?.service === d.service) return action("keep", t, c, owner, o, target, "in sync");
    const why = `ownership moves from ${o.owner?.service} to ${d.service}`;
    return action("replace", t, c, owner, o, target, why);
  }
  const why = `moving from ${o.targetDescription} to node ${target.nodeName}`;
  return action("replace", t, c, owner, o, target, why);
}

function referencePlan(p: PlanInput): Plan {
  const desired = computeDesired(p);
  const observed = new PairMap<ObservedRoute>();
  for (const table of p.tables) {
    for (const route of table.routes) {
      const seen = observed.get(table.id, route.cidr);
      if (seen === undefined || (!seen.exists && route.exists))
        observed.set(table.id, route.cidr, route);
    }
  }
  const actions: Action[] = [];
  for (const d of desired.routes) {
    actions.push(decide(d, observed.get(d.table, d.cidr.text), desired.held, p));
    observed.delete(d.table, d.cidr.text);
  }
  for (const [table, cidr, o] of observed.entries()) {
    if (!mayDelete(o, p.clusterId) || o.owner === undefined) continue;
    const heldReason = desired.held.get(table, cidr);
    if (heldReason !== undefined) {
      actions.push(action("keep", table, cidr, o.owner, o, undefined, heldReason));
      continue;
    }
    const why = o.exists
      ? `no longer requested by ${o.owner.service}; withdrawing`
      : "stale ownership record without a route; removing it";
    actions.push(action("delete", table, cidr, o.owner, o, undefined, why));
  }
  actions.sort((a, b) =>
    a.table !== b.table
      ? a.table < b.table
        ? -1
        : 1
      : a.cidr < b.cidr
        ? -1
        : a.cidr > b.cidr
          ? 1
          : 0,
  );
  return { actions, refusals: desired.refusals, notes: desired.notes };
}

const tableIds = ["rtb-1", "rtb-2", "rtb-3", "rtb-10"];
const cidrPool = ["10.8.0.0/24", "10.8.1.0/24", "10.8.2.0/24", "10.99.0.0/24", "fd00:8:1::/64"];
const nodes = ["node-a", "node-b", "node-c", "node-z"];
const services = ["vpn/a", "vpn/b", "vpn/c"];

// Unlike the shared world, pairs may be listed twice (a dangling record next to the real route),
// Services may have several ready nodes (stickiness) and narrow to different tables.
const world = fc.record({
  tables: fc.subarray(tableIds),
  routes: fc.array(
    fc.record({
      table: fc.constantFrom(...tableIds),
      cidr: fc.constantFrom(...cidrPool),
      targetId: fc.constantFrom("eni-a", "eni-b", "eni-c", "eni-a-v6", undefined),
      targetDescription: fc.constantFrom("eni-a", "eni-b", "igw-1"),
      owner: fc.option(
        fc.record({
          clusterId: fc.constantFrom(clusterId, clusterId, "c2"),
          service: fc.constantFrom(...services, "vpn/gone"),
        }),
        { nil: undefined },
      ),
      exists: fc.boolean(),
    }),
    { maxLength: 30 },
  ),
  intents: fc.uniqueArray(
    fc.record({
      key: fc.constantFrom(...services),
      createdAt: fc.constantFrom("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"),
      cidrs: fc.uniqueArray(fc.constantFrom(...cidrPool), { maxLength: 4 }),
      routeTables: fc.option(fc.subarray([...tableIds, "rtb-9"], { minLength: 1 }), {
        nil: undefined,
      }),
      onNoEndpoint: fc.constantFrom("keep" as const, "withdraw" as const),
      endpoints: fc.array(
        fc.record({
          node: fc.constantFrom(...nodes),
          ready: fc.boolean(),
          terminating: fc.boolean(),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3, selector: (s) => s.key },
  ),
  frozen: fc.subarray([...services, "vpn/gone"], { maxLength: 2 }),
  resolved: fc.subarray(nodes),
  adopt: fc.boolean(),
});

function build(w: typeof world extends fc.Arbitrary<infer T> ? T : never): PlanInput {
  const tables: ObservedTable[] = w.tables.map((id) => ({
    id,
    routes: w.routes.filter((r) => r.table === id),
  }));
  return input({
    adoptExistingRoutes: w.adopt,
    tables,
    frozen: w.frozen,
    targets: targets(w.resolved),
    intents: w.intents.map((s) =>
      intent({ ...s, endpoints: s.endpoints.map((e) => endpoint(e.node, e.ready, e.terminating)) }),
    ),
  });
}

describe("planner against the pair-by-pair oracle", () => {
  it("plans exactly what the straightforward pair-by-pair diff plans", () => {
    fc.assert(
      fc.property(world, (w) => {
        const state = build(w);
        expect(planRoutes(state)).toEqual(referencePlan(state));
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with the oracle on a large mixed plan", () => {
    const ids = Array.from({ length: 40 }, (_, t) => `rtb-${t}`);
    const cidrs = Array.from({ length: 20 }, (_, i) => `10.8.${i}.0/24`);
    const routes = ids.flatMap((table, t) =>
      cidrs.flatMap((cidr, i): ObservedRoute[] => {
        if ((i + t) % 11 === 0) return [];
        const service = services[i % 3] ?? "vpn/a";
        const targetId = ["eni-a", "eni-b", "eni-c"][(i + t) % 3];
        const owner = (i + t) % 7 === 0 ? undefined : { clusterId, service };
        return [{ table, cidr, targetId, targetDescription: targetId ?? "", owner, exists: true }];
      }),
    );
    const state = input({
      tables: ids.map((id) => ({ id, routes: routes.filter((r) => r.table === id) })),
      frozen: ["vpn/c"],
      intents: [
        intent({ key: "vpn/a", cidrs: cidrs.filter((_, i) => i % 3 === 0) }),
        intent({
          key: "vpn/b",
          cidrs: cidrs.filter((_, i) => i % 3 === 1).slice(2),
          routeTables: ids.slice(5, 25).reverse(),
          endpoints: [endpoint("node-c"), endpoint("node-b")],
        }),
      ],
    });
    const plan = planRoutes(state);
    expect(new Set(plan.actions.map((a) => a.kind))).toEqual(
      new Set(["create", "replace", "keep", "delete", "conflict"]),
    );
    expect(plan).toEqual(referencePlan(state));
  });
});
