import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIp, mustParseCidr } from "../../src/domain/cidr.js";
import {
  canonicalPrefix,
  cidrOfOwnTag,
  clusterIdProblem,
  clusterOfRouteName,
  decodeCidr,
  maxClusterIdLength,
  routeNameFor,
} from "./naming.js";

const azureRouteName = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;
const forbiddenInTagName = /[<>%&\\?/]/;

describe("azure route names and ownership tag keys", () => {
  it.each([
    ["10.8.0.0/24", "vrs-prod-1-10-8-0-0-24"],
    ["fd00::/64", "vrs-prod-1-fd00---64"],
    ["2001:db8::1:0/112", "vrs-prod-1-2001-db8--1-0-112"],
    ["192.168.255.255/32", "vrs-prod-1-192-168-255-255-32"],
  ])("names the route for %s %s and decodes it back", (cidr, name) => {
    expect(routeNameFor("prod-1", mustParseCidr(cidr))).toBe(name);
    expect(cidrOfOwnTag("prod-1", name)?.text).toBe(cidr);
  });

  it("round-trips every canonical CIDR into a valid Azure route name and tag key", () => {
    const cidr = fc.oneof(
      fc
        .tuple(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.integer({ min: 0, max: 32 }))
        .map(
          ([value, prefix]) =>
            `${formatIp(4, (value >> BigInt(32 - prefix)) << BigInt(32 - prefix))}/${prefix}`,
        ),
      fc
        .tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.integer({ min: 0, max: 128 }))
        .map(
          ([value, prefix]) =>
            `${formatIp(6, (value >> BigInt(128 - prefix)) << BigInt(128 - prefix))}/${prefix}`,
        ),
    );
    const longest = "c".repeat(maxClusterIdLength);
    fc.assert(
      fc.property(cidr, (text) => {
        const parsed = mustParseCidr(text);
        const name = routeNameFor(longest, parsed);
        expect(name).toMatch(azureRouteName);
        expect(name).not.toMatch(forbiddenInTagName);
        expect(decodeCidr(name.slice(`vrs-${longest}-`.length))?.text).toBe(text);
        expect(clusterOfRouteName(name, parsed)).toBe(longest);
      }),
    );
  });

  it("tells which cluster named a route, even with hyphens, and nobody for foreign names", () => {
    const cidr = mustParseCidr("10.8.0.0/24");
    expect(clusterOfRouteName("vrs-eu-west-2-10-8-0-0-24", cidr)).toBe("eu-west-2");
    expect(clusterOfRouteName("VRS-C1-10-8-0-0-24", cidr)).toBe("c1");
    expect(clusterOfRouteName("vrs-c1-10-9-0-0-24", cidr)).toBeUndefined();
    expect(clusterOfRouteName("vpn-10-8-0-0-24", cidr)).toBeUndefined();
    expect(clusterOfRouteName("vrs--10-8-0-0-24", cidr)).toBeUndefined();
  });

  it("ignores tags of other clusters and keys that are not canonical encodings", () => {
    expect(cidrOfOwnTag("c1", "vrs-c2-10-8-0-0-24")).toBeUndefined();
    expect(cidrOfOwnTag("c1", "vrs-c1-10-8-0-1-24")).toBeUndefined();
    expect(cidrOfOwnTag("c1", "vrs-c1-010-8-0-0-24")).toBeUndefined();
    expect(cidrOfOwnTag("c1", "team")).toBeUndefined();
  });

  it("accepts the cluster ids the configuration accepts and refuses what Azure cannot carry", () => {
    expect(clusterIdProblem("prod-eu-1")).toBeUndefined();
    expect(clusterIdProblem("c".repeat(32))).toBeUndefined();
    expect(clusterIdProblem("c".repeat(33))).toMatch(/1-32/);
    expect(clusterIdProblem("Prod")).toBeDefined();
    expect(clusterIdProblem("-a")).toBeDefined();
  });

  it("canonicalises the address prefixes ARM returns and skips service tags", () => {
    expect(canonicalPrefix("FD00:0:0::/64")?.text).toBe("fd00::/64");
    expect(canonicalPrefix(" 10.8.0.0/24 ")?.text).toBe("10.8.0.0/24");
    expect(canonicalPrefix("AzureCloud")).toBeUndefined();
    expect(canonicalPrefix("10.8.0.1/24")).toBeUndefined();
  });
});
