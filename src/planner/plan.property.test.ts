import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterId, endpoint, input, intent } from "../../test/unit/fixtures/planner.js";
import { cidrContains, mustParseCidr } from "../domain/cidr.js";
import type { Plan } from "../domain/plan.js";
import type { ObservedRoute, ObservedTable } from "../domain/route.js";
import type { PlanInput } from "./desired.js";
import { planRoutes } from "./plan.js";

const tableIds = ["rtb-1", "rtb-2", "rtb-3"];
const cidrPool = [
  "10.8.0.0/24",
  "10.8.1.0/24",
  "10.9.0.0/24",
  "10.99.0.0/24",
  "172.31.8.0/24",
  "10.8.0.0/16",
];
const nodes = ["node-a", "node-b", "node-c", "node-z"];
const targetsPool = ["eni-a", "eni-b", "eni-c", "eni-x", undefined];

const observedRoute = fc.record({
  table: fc.constantFrom(...tableIds),
  cidr: fc.constantFrom(...cidrPool),
  targetId: fc.constantFrom(...targetsPool),
  owner: fc.option(
    fc.record({
      clusterId: fc.constantFrom(clusterId, "c2", ""),
      service: fc.constantFrom("vpn/a", "vpn/b", "vpn/gone"),
    }),
    { nil: undefined },
  ),
  exists: fc.boolean(),
});

const service = fc.record({
  key: fc.constantFrom("vpn/a", "vpn/b"),
  createdAt: fc.constantFrom("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"),
  cidrs: fc.uniqueArray(fc.constantFrom(...cidrPool), { minLength: 1, maxLength: 3 }),
  routeTables: fc.option(fc.subarray(tableIds, { minLength: 1 }), { nil: undefined }),
  onNoEndpoint: fc.constantFrom("keep" as const, "withdraw" as const),
  endpoints: fc.array(
    fc.record({ node: fc.constantFrom(...nodes), ready: fc.boolean(), terminating: fc.boolean() }),
    { maxLength: 3 },
  ),
});

const world = fc.record({
  routes: fc.array(observedRoute, { maxLength: 12 }),
  services: fc.uniqueArray(service, { maxLength: 2, selector: (s) => s.key }),
  adopt: fc.boolean(),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

function build(w: World): PlanInput {
  const seen = new Set<string>();
  const routes: ObservedRoute[] = [];
  for (const r of w.routes) {
    const key = `${r.table}|${r.cidr}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({
      ...r,
      targetDescription: r.targetId ?? "igw-1",
      exists: r.owner === undefined ? true : r.exists,
    });
  }
  const tables: ObservedTable[] = tableIds.map((id) => ({
    id,
    routes: routes.filter((r) => r.table === id),
  }));
  return input({
    adoptExistingRoutes: w.adopt,
    tables,
    intents: w.services.map((s) =>
      intent({
        key: s.key,
        createdAt: s.createdAt,
        cidrs: s.cidrs,
        routeTables: s.routeTables,
        onNoEndpoint: s.onNoEndpoint,
        endpoints: s.endpoints.map((e) => endpoint(e.node, e.ready, e.terminating)),
      }),
    ),
  });
}

/** Applies a plan's writes to the observed tables exactly as a provider would. */
function apply(plan: Plan, before: PlanInput): PlanInput {
  const tables = before.tables.map((t) => {
    const routes = new Map(t.routes.map((r) => [r.cidr, r]));
    for (const a of plan.actions.filter((x) => x.table === t.id)) {
      if (a.kind === "delete") routes.delete(a.cidr);
      if ((a.kind === "create" || a.kind === "replace") && a.target) {
        routes.set(a.cidr, {
          table: t.id,
          cidr: a.cidr,
          targetId: a.target.id,
          targetDescription: a.target.id,
          owner: a.owner,
          exists: true,
        });
      }
    }
    return { id: t.id, routes: [...routes.values()] };
  });
  return { ...before, tables };
}

const writes = (plan: Plan) =>
  plan.actions.filter((a) => a.kind === "create" || a.kind === "replace" || a.kind === "delete");

describe("planner properties", () => {
  it("plans nothing more to write after its plan has been applied", () => {
    fc.assert(
      fc.property(world, (w) => {
        const first = build(w);
        const second = apply(planRoutes(first), first);
        expect(writes(planRoutes(second))).toEqual([]);
      }),
    );
  });

  it("never deletes or replaces a route it does not own, unless adopting an unowned one", () => {
    fc.assert(
      fc.property(world, (w) => {
        const state = build(w);
        const byPair = new Map(
          state.tables.flatMap((t) => t.routes.map((r) => [`${t.id}|${r.cidr}`, r] as const)),
        );
        for (const a of writes(planRoutes(state))) {
          const observed = byPair.get(`${a.table}|${a.cidr}`);
          if (observed === undefined || a.kind === "create") continue;
          const isOurs = observed.owner?.clusterId === clusterId;
          const adoptable =
            observed.owner === undefined && state.adoptExistingRoutes && a.kind === "replace";
          expect(isOurs || adoptable).toBe(true);
        }
      }),
    );
  });

  it("gives the same plan whatever the order of services, tables and routes", () => {
    fc.assert(
      fc.property(world, fc.integer(), (w, seed) => {
        const state = build(w);
        const shuffled: PlanInput = {
          ...state,
          intents: [...state.intents].reverse(),
          tables: [...state.tables]
            .reverse()
            .map((t) => ({ ...t, routes: seed % 2 ? [...t.routes].reverse() : t.routes })),
        };
        expect(planRoutes(shuffled)).toEqual(planRoutes(state));
      }),
    );
  });

  it("never creates or replaces a route for a refused CIDR", () => {
    const allowed = [mustParseCidr("10.8.0.0/16")];
    fc.assert(
      fc.property(world, (w) => {
        for (const a of planRoutes(build(w)).actions) {
          if (a.kind !== "create" && a.kind !== "replace") continue;
          expect(allowed.some((c) => cidrContains(c, mustParseCidr(a.cidr)))).toBe(true);
          expect(a.cidr).not.toBe("172.31.8.0/24");
        }
      }),
    );
  });
});
