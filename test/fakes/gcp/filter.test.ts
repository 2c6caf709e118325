import { describe, expect, it } from "vitest";
import { compileFilter } from "./filter.js";
import { ApiFailure } from "./google-errors.js";

const route = {
  name: "vrs-prod-abc123",
  network: "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc",
  destRange: "10.8.0.0/24",
  priority: 999,
  tags: ["vpn", "edge"],
  params: { resourceManagerTags: { env: "prod" } },
};

describe("list filter expressions", () => {
  it.each([
    ["", true],
    [`network = "${route.network}"`, true],
    ['network = "https://www.googleapis.com/compute/v1/projects/p/global/networks/other"', false],
    ["name != vrs-prod-abc123", false],
    ["priority < 1000", true],
    ["priority >= 1000", false],
    ["(priority = 999) (destRange = 10.8.0.0/24)", true],
    ["(priority = 999) AND (destRange = 10.9.0.0/24)", false],
    ["(destRange = 10.9.0.0/24) OR (destRange = 10.8.0.0/24)", true],
    ["tags:vpn", true],
    ["tags:core", false],
    ["description:*", false],
    ["name:*", true],
    ["params.resourceManagerTags.env = prod", true],
    ["name eq 'vrs-prod-.*'", true],
    ['name eq "vrs-.*-abc"', false],
    ["name ne .*abc123", false],
    ["(name eq vrs-.*) (destRange eq 10\\.8\\..*)", true],
  ])("evaluates %j as %s", (filter, expected) => {
    expect(compileFilter(filter)(route)).toBe(expected);
  });

  it.each([
    ["a missing value", "name ="],
    ["an unknown operator", "name ~ x"],
    ["regular expressions mixed with AIP-160", "(name eq x) (priority = 1)"],
    ["an unbalanced parenthesis", "(name = x"],
    ["an invalid regular expression", "name eq ("],
  ])("rejects %s with 400 invalid", (_case, filter) => {
    expect(() => compileFilter(filter)).toThrow(ApiFailure);
    try {
      compileFilter(filter);
    } catch (error) {
      expect(error).toMatchObject({ status: 400, reason: "invalid" });
    }
  });
});
