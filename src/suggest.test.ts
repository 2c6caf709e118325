import { describe, expect, it } from "vitest";
import { suggestClosest } from "./suggest.js";

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

  it("answers quickly for a huge hostile name, which no candidate is near", () => {
    expect(suggestClosest("x".repeat(1_000_000), keys)).toBeUndefined();
  });
});
