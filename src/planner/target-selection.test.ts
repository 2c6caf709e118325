import { describe, expect, it } from "vitest";
import { endpoint, targets } from "../../test/unit/fixtures/planner.js";
import { selectTarget } from "./target-selection.js";

describe("selectTarget", () => {
  it("does not count the current routes when only one node can host", () => {
    let counted = 0;
    const choice = selectTarget([endpoint("node-b")], [4], targets(), () => {
      counted++;
      return new Map([["eni-a", 5]]);
    });
    expect(choice).toMatchObject({ kind: "node", nodeName: "node-b" });
    expect(counted).toBe(0);
  });

  it("stays on the node most current routes point at when several can host", () => {
    const choice = selectTarget(
      [endpoint("node-a"), endpoint("node-c"), endpoint("node-b")],
      [4, 6],
      targets(),
      () =>
        new Map([
          ["eni-b", 2],
          ["eni-c", 1],
          ["eni-c-v6", 2],
        ]),
    );
    expect(choice).toMatchObject({ kind: "node", nodeName: "node-c" });
  });

  it("picks the first node by name when no current route points at any of them", () => {
    const choice = selectTarget([endpoint("node-c"), endpoint("node-b")], [4], targets(), () => {
      return new Map();
    });
    expect(choice).toMatchObject({ kind: "node", nodeName: "node-b" });
  });
});
