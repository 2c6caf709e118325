import { describe, expect, it } from "vitest";
import {
  endpoint,
  foreign,
  input,
  intent,
  ours,
  tables,
  targets,
} from "../../test/unit/fixtures/planner.js";
import type { Action } from "../domain/plan.js";
import { planRoutes } from "./plan.js";

const kinds = (actions: readonly Action[]) => actions.map((a) => `${a.kind} ${a.table} ${a.cidr}`);
const all = ["rtb-1", "rtb-2", "rtb-3"];

describe("planRoutes", () => {
  it("creates the route in every managed table when nothing exists yet", () => {
    const plan = planRoutes(input());
    expect(kinds(plan.actions)).toEqual(all.map((t) => `create ${t} 10.8.0.0/24`));
    expect(plan.actions.every((a) => a.target?.id === "eni-a")).toBe(true);
  });

  it("keeps routes that already point at the hosting node", () => {
    const plan = planRoutes(
      input({
        tables: tables(
          all,
          all.map((t) => ours(t, "10.8.0.0/24", "eni-a")),
        ),
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["keep", "keep", "keep"]);
  });

  it("rewrites a route in effect on the right node when an interrupted switch left another of ours", () => {
    const plan = planRoutes(
      input({
        tables: tables(all, [
          { ...ours("rtb-1", "10.8.0.0/24", "eni-a"), leftovers: 1 },
          ours("rtb-2", "10.8.0.0/24", "eni-a"),
          ours("rtb-3", "10.8.0.0/24", "eni-a"),
        ]),
      }),
    );
    expect(plan.actions.map((a) => [a.kind, a.table, a.target?.id])).toEqual([
      ["replace", "rtb-1", "eni-a"],
      ["keep", "rtb-2", "eni-a"],
      ["keep", "rtb-3", "eni-a"],
    ]);
    expect(plan.actions[0]?.reason).toContain("interrupted switch");
  });

  it("moves the route when the only ready endpoint changes node", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ endpoints: [endpoint("node-b")] })],
        tables: tables(
          all,
          all.map((t) => ours(t, "10.8.0.0/24", "eni-a")),
        ),
      }),
    );
    expect(plan.actions.map((a) => [a.kind, a.currentTargetId, a.target?.id])).toEqual(
      all.map(() => ["replace", "eni-a", "eni-b"]),
    );
  });

  it("stays on the current node while it remains ready, even if another node sorts first", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ endpoints: [endpoint("node-a"), endpoint("node-c")] })],
        tables: tables(
          all,
          all.map((t) => ours(t, "10.8.0.0/24", "eni-c")),
        ),
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["keep", "keep", "keep"]);
  });

  it("ignores endpoints that are terminating or not ready", () => {
    const plan = planRoutes(
      input({
        intents: [
          intent({
            endpoints: [
              endpoint("node-a", true, true),
              endpoint("node-b", false),
              endpoint("node-c"),
            ],
          }),
        ],
      }),
    );
    expect(new Set(plan.actions.map((a) => a.target?.id))).toEqual(new Set(["eni-c"]));
  });

  it("keeps the last route when no endpoint is ready and the Service asks to keep", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ endpoints: [] })],
        tables: tables(
          all,
          all.map((t) => ours(t, "10.8.0.0/24", "eni-a")),
        ),
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["keep", "keep", "keep"]);
    expect(plan.notes.map((n) => n.reason)).toEqual(["NoReadyEndpoint"]);
  });

  it("withdraws the routes when no endpoint is ready and the Service asks to withdraw", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ endpoints: [], onNoEndpoint: "withdraw" })],
        tables: tables(
          all,
          all.map((t) => ours(t, "10.8.0.0/24", "eni-a")),
        ),
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["delete", "delete", "delete"]);
  });

  it("deletes owned routes when the Service is gone", () => {
    const plan = planRoutes(
      input({ intents: [], tables: tables(all, [ours("rtb-1", "10.8.0.0/24", "eni-a")]) }),
    );
    expect(kinds(plan.actions)).toEqual(["delete rtb-1 10.8.0.0/24"]);
  });

  it("never deletes a route it does not own when the Service is gone", () => {
    const plan = planRoutes(
      input({
        intents: [],
        tables: tables(all, [
          foreign("rtb-1", "10.8.0.0/24", "eni-x"),
          foreign("rtb-2", "10.8.0.0/24", "eni-y", "c2"),
        ]),
      }),
    );
    expect(plan.actions).toEqual([]);
  });

  it("reports a conflict and does not write when a foreign route holds the CIDR", () => {
    const plan = planRoutes(
      input({ tables: tables(all, [foreign("rtb-2", "10.8.0.0/24", "eni-x")]) }),
    );
    expect(kinds(plan.actions)).toEqual([
      "create rtb-1 10.8.0.0/24",
      "conflict rtb-2 10.8.0.0/24",
      "create rtb-3 10.8.0.0/24",
    ]);
  });

  it("adopts an unowned route when adoptExistingRoutes is set", () => {
    const plan = planRoutes(
      input({
        adoptExistingRoutes: true,
        tables: tables(["rtb-1"], [foreign("rtb-1", "10.8.0.0/24", "eni-x")]),
      }),
    );
    expect(plan.actions.map((a) => [a.kind, a.adopt, a.target?.id])).toEqual([
      ["replace", true, "eni-a"],
    ]);
  });

  it("never adopts another cluster's route, even with adoptExistingRoutes", () => {
    const plan = planRoutes(
      input({
        adoptExistingRoutes: true,
        tables: tables(["rtb-1"], [foreign("rtb-1", "10.8.0.0/24", "eni-x", "c2")]),
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["conflict"]);
  });

  it("refuses a CIDR outside the allowlist and changes nothing for that Service", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ cidrs: ["10.8.0.0/24", "10.99.0.0/24"] })],
        tables: tables(all, [ours("rtb-1", "10.8.0.0/24", "eni-b")]),
      }),
    );
    expect(plan.refusals.map((r) => r.reason)).toEqual(["CidrNotAllowed"]);
    expect(kinds(plan.actions)).toEqual(["keep rtb-1 10.8.0.0/24"]);
  });

  it("refuses a CIDR overlapping the VPC", () => {
    const plan = planRoutes(input({ intents: [intent({ cidrs: ["172.31.8.0/24"] })] }));
    expect(plan.refusals[0]?.message).toContain("172.31.0.0/16");
    expect(plan.actions).toEqual([]);
  });

  it("narrows to the route tables the annotation names", () => {
    const plan = planRoutes(input({ intents: [intent({ routeTables: ["rtb-2"] })] }));
    expect(kinds(plan.actions)).toEqual(["create rtb-2 10.8.0.0/24"]);
  });

  it("refuses a route table the controller does not manage", () => {
    const plan = planRoutes(input({ intents: [intent({ routeTables: ["rtb-9"] })] }));
    expect(plan.refusals.map((r) => r.reason)).toEqual(["InvalidAnnotation"]);
    expect(plan.actions).toEqual([]);
  });

  it("gives a CIDR requested by two Services to the older one and reports the younger", () => {
    const older = intent({ key: "vpn/a", createdAt: "2026-01-01T00:00:00Z" });
    const younger = intent({
      key: "vpn/b",
      createdAt: "2026-02-01T00:00:00Z",
      endpoints: [endpoint("node-b")],
    });
    const plan = planRoutes(input({ intents: [younger, older] }));
    expect(new Set(plan.actions.map((a) => a.service))).toEqual(new Set(["vpn/a"]));
    expect(plan.refusals.map((r) => [r.service, r.reason])).toEqual([["vpn/b", "RouteConflict"]]);
    expect(plan.refusals[0]?.message).toContain("and 2 more route table(s)");
  });

  it("leaves a frozen Service's routes exactly as they are", () => {
    const plan = planRoutes(
      input({
        intents: [],
        frozen: ["vpn/openvpn"],
        tables: tables(all, [ours("rtb-1", "10.8.0.0/24", "eni-a")]),
      }),
    );
    expect(kinds(plan.actions)).toEqual(["keep rtb-1 10.8.0.0/24"]);
  });

  it("holds routes when the ready node's target cannot be resolved", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ endpoints: [endpoint("node-b")] })],
        targets: targets(["node-a"]),
        tables: tables(
          all,
          all.map((t) => ours(t, "10.8.0.0/24", "eni-a")),
        ),
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["keep", "keep", "keep"]);
    expect(plan.notes.map((n) => n.reason)).toEqual(["TargetUnresolved"]);
  });

  it("recreates a route whose ownership record survived without it", () => {
    const plan = planRoutes(
      input({
        tables: tables(["rtb-1"], [ours("rtb-1", "10.8.0.0/24", undefined, "vpn/openvpn", false)]),
      }),
    );
    expect(plan.actions.map((a) => a.kind)).toEqual(["create"]);
  });

  it("removes a stale ownership record that no Service wants", () => {
    const plan = planRoutes(
      input({
        intents: [],
        tables: tables(["rtb-1"], [ours("rtb-1", "10.8.0.0/24", undefined, "vpn/gone", false)]),
      }),
    );
    expect(plan.actions.map((a) => [a.kind, a.routeExists])).toEqual([["delete", false]]);
  });

  it("routes IPv6 CIDRs to the node's IPv6 target", () => {
    const plan = planRoutes(
      input({ intents: [intent({ cidrs: ["fd00:8:1::/64"] })], tables: tables(["rtb-1"]) }),
    );
    expect(plan.actions.map((a) => a.target?.id)).toEqual(["eni-a-v6"]);
  });
});
