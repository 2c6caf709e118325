import { describe, expect, it } from "vitest";
import { editDistance, suggestClosest } from "./suggest.js";

describe("suggestClosest", () => {
  const keys = ["cidrs", "route-tables", "on-no-endpoint"];

  it.each([
    ["cidr", "cidrs"],
    ["CIDRS", "cidrs"],
    ["cirds", "cidrs"],
    ["routeTables", "route-tables"],
    ["route_table", "route-tables"],
    ["onNoEndpoint", "on-no-endpoint"],
    ["no-endpoint", "on-no-endpoint"],
  ])("suggests %s -> %s", (input, expected) => {
    expect(suggestClosest(input, keys)).toBe(expected);
  });

  it.each(["weight", "x", "priority", ""])(
    "suggests nothing for the unrelated name %j",
    (input) => {
      expect(suggestClosest(input, keys)).toBeUndefined();
    },
  );

  it("computes edit distances and stops early above the limit", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abcdef", "uvwxyz", 2)).toBe(3);
  });
});
