import { describe, expect, it } from "vitest";
import type { Action, Plan } from "../domain/plan.js";
import { planExitCode, planToJson, planToTable } from "./plan-format.js";

const action = (kind: Action["kind"], table: string): Action => ({
  kind,
  table,
  cidr: "10.8.0.0/24",
  service: "vpn/openvpn",
  target:
    kind === "delete" || kind === "conflict" ? undefined : { id: "eni-b", nodeName: "node-b" },
  currentTargetId: "eni-a",
  currentTargetDescription: "eni-a",
  owner: { clusterId: "c1", service: "vpn/openvpn" },
  adopt: false,
  routeExists: true,
  ownerChanged: false,
  reason: "moving from eni-a to node node-b",
});

const plan = (...actions: Action[]): Plan => ({ actions, refusals: [], notes: [] });

describe("plan output", () => {
  it.each([
    ["in sync", plan(action("keep", "rtb-1")), 0],
    ["drift", plan(action("keep", "rtb-1"), action("replace", "rtb-2")), 2],
    ["a conflict only", plan(action("conflict", "rtb-1")), 3],
  ])("exits with the documented code when %s", (_name, p, code) => {
    expect(planExitCode(p, [])).toBe(code);
  });

  it("prints one row per route table and CIDR with current and desired targets", () => {
    const text = planToTable(plan(action("replace", "rtb-2")), []);
    expect(text.split("\n")[0]).toMatch(
      /^ROUTE TABLE\s+CIDR\s+CURRENT\s+DESIRED\s+ACTION\s+REASON$/,
    );
    expect(text).toContain(
      "rtb-2        10.8.0.0/24  eni-a    eni-b (node-b)  replace  moving from eni-a to node node-b",
    );
    expect(text).toContain("Drift: 1 route write(s) needed.");
  });

  it("prints stable JSON for scripts", () => {
    const json = JSON.parse(planToJson(plan(action("replace", "rtb-2")), [])) as {
      inSync: boolean;
      actions: unknown[];
    };
    expect(json.inSync).toBe(false);
    expect(json.actions).toEqual([
      {
        routeTable: "rtb-2",
        cidr: "10.8.0.0/24",
        service: "vpn/openvpn",
        action: "replace",
        currentTarget: "eni-a",
        desiredTarget: "eni-b",
        desiredNode: "node-b",
        reason: "moving from eni-a to node node-b",
      },
    ]);
  });
});
