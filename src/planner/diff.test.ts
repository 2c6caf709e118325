import { describe, expect, it } from "vitest";
import { input, intent, ours, tables } from "../../test/unit/fixtures/planner.js";
import type { Action } from "../domain/plan.js";
import { planRoutes } from "./plan.js";

const kinds = (actions: readonly Action[]) => actions.map((a) => `${a.kind} ${a.table} ${a.cidr}`);

describe("diffRoutes, table by table", () => {
  it("interleaves withdrawals with wanted routes in CIDR order within each table", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ cidrs: ["10.8.1.0/24"] })],
        tables: tables(
          ["rtb-2", "rtb-1"],
          [
            ours("rtb-1", "10.8.2.0/24", "eni-a", "vpn/gone"),
            ours("rtb-1", "10.8.0.0/24", "eni-a", "vpn/gone"),
            ours("rtb-2", "10.8.3.0/24", "eni-a", "vpn/gone"),
          ],
        ),
      }),
    );
    expect(kinds(plan.actions)).toEqual([
      "delete rtb-1 10.8.0.0/24",
      "create rtb-1 10.8.1.0/24",
      "delete rtb-1 10.8.2.0/24",
      "create rtb-2 10.8.1.0/24",
      "delete rtb-2 10.8.3.0/24",
    ]);
  });

  it("lists each table's CIDRs in order whatever order the Services asked in", () => {
    const plan = planRoutes(
      input({
        intents: [
          intent({ key: "vpn/a", cidrs: ["10.8.9.0/24", "10.8.1.0/24"] }),
          intent({ key: "vpn/b", cidrs: ["10.8.5.0/24"], routeTables: ["rtb-3", "rtb-1"] }),
        ],
      }),
    );
    expect(kinds(plan.actions)).toEqual([
      "create rtb-1 10.8.1.0/24",
      "create rtb-1 10.8.5.0/24",
      "create rtb-1 10.8.9.0/24",
      "create rtb-2 10.8.1.0/24",
      "create rtb-2 10.8.9.0/24",
      "create rtb-3 10.8.1.0/24",
      "create rtb-3 10.8.5.0/24",
      "create rtb-3 10.8.9.0/24",
    ]);
    expect(plan.actions.map((a) => a.service)).toEqual([
      "vpn/a",
      "vpn/b",
      "vpn/a",
      "vpn/a",
      "vpn/a",
      "vpn/a",
      "vpn/b",
      "vpn/a",
    ]);
  });

  it.each([
    ["before", false],
    ["after", true],
  ])("prefers the real route over a dangling ownership record listed %s it", (_, realFirst) => {
    const real = ours("rtb-1", "10.8.0.0/24", "eni-a");
    const dangling = ours("rtb-1", "10.8.0.0/24", undefined, "vpn/openvpn", false);
    const plan = planRoutes(
      input({
        tables: [{ id: "rtb-1", routes: realFirst ? [real, dangling] : [dangling, real] }],
      }),
    );
    expect(plan.actions.map((a) => [a.kind, a.reason])).toEqual([["keep", "in sync"]]);
  });

  it("writes each reason with the values of its own pair", () => {
    const plan = planRoutes(
      input({
        intents: [intent({ cidrs: ["10.8.0.0/24", "10.8.1.0/24"] })],
        tables: tables(
          ["rtb-1"],
          [ours("rtb-1", "10.8.0.0/24", "eni-b"), ours("rtb-1", "10.8.1.0/24", "eni-c")],
        ),
      }),
    );
    expect(plan.actions.map((a) => a.reason)).toEqual([
      "moving from eni-b to node node-a",
      "moving from eni-c to node node-a",
    ]);
  });
});
