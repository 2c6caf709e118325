import { describe, expect, it } from "vitest";
import { endpoint, input, intent } from "../../test/unit/fixtures/planner.js";
import { mustParseCidr } from "../domain/cidr.js";
import { Claims } from "./claims.js";
import { planRoutes } from "./plan.js";

describe("Claims", () => {
  const claims = new Claims();
  claims.claim("vpn/a", [mustParseCidr("10.8.0.0/24")], new Set(["rtb-1", "rtb-3"]));
  claims.claim("vpn/b", [mustParseCidr("10.8.0.0/24")], new Set(["rtb-2"]));

  it("names the Service that claimed a pair, and nobody for an unclaimed one", () => {
    expect(claims.ownerOf("rtb-3", "10.8.0.0/24")).toBe("vpn/a");
    expect(claims.ownerOf("rtb-2", "10.8.0.0/24")).toBe("vpn/b");
    expect(claims.ownerOf("rtb-4", "10.8.0.0/24")).toBeUndefined();
    expect(claims.ownerOf("rtb-1", "10.9.0.0/24")).toBeUndefined();
  });

  it("lists the claimed tables in the order the caller gave them", () => {
    expect(claims.claimedIn("10.8.0.0/24", ["rtb-4", "rtb-3", "rtb-2", "rtb-1"])).toEqual([
      "rtb-3",
      "rtb-2",
      "rtb-1",
    ]);
    expect(claims.claimedIn("10.9.0.0/24", ["rtb-1"])).toEqual([]);
  });
});

describe("claims between Services", () => {
  it("lets two Services route the same CIDR in different route tables", () => {
    const plan = planRoutes(
      input({
        intents: [
          intent({ key: "vpn/a", routeTables: ["rtb-1"] }),
          intent({
            key: "vpn/b",
            createdAt: "2026-02-01T00:00:00Z",
            routeTables: ["rtb-2", "rtb-3"],
            endpoints: [endpoint("node-b")],
          }),
        ],
      }),
    );
    expect(plan.refusals).toEqual([]);
    expect(plan.actions.map((a) => [a.table, a.service, a.target?.id])).toEqual([
      ["rtb-1", "vpn/a", "eni-a"],
      ["rtb-2", "vpn/b", "eni-b"],
      ["rtb-3", "vpn/b", "eni-b"],
    ]);
  });

  it("names the first contested table and the older Service when the tables overlap", () => {
    const plan = planRoutes(
      input({
        intents: [
          intent({ key: "vpn/a", routeTables: ["rtb-3", "rtb-2"] }),
          intent({
            key: "vpn/b",
            createdAt: "2026-02-01T00:00:00Z",
            routeTables: ["rtb-1", "rtb-2", "rtb-3"],
          }),
        ],
      }),
    );
    expect(plan.refusals.map((r) => r.message)).toEqual([
      "10.8.0.0/24 in rtb-2 (and 1 more route table(s)) is already requested by the older Service vpn/a; remove it from one of them",
    ]);
  });
});
