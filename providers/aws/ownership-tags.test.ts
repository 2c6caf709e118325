import { describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import {
  clusterIdProblem,
  ownershipTag,
  parseOwnershipTags,
  parseOwnerValue,
} from "./ownership-tags.js";

const owner = { clusterId: "prod-eu", service: "vpn/openvpn" };

describe("ownership tags", () => {
  it("encodes one tag per CIDR with the cluster and the Service", () => {
    expect(ownershipTag(mustParseCidr("10.8.0.0/24"), owner)).toEqual({
      key: "vpc-route-sync.io/route/10.8.0.0/24",
      value: "prod-eu/vpn/openvpn",
    });
    expect(ownershipTag(mustParseCidr("2001:db8:8::/64"), owner).key).toBe(
      "vpc-route-sync.io/route/2001:db8:8::/64",
    );
  });

  it("reads back what it wrote", () => {
    const tag = ownershipTag(mustParseCidr("10.8.0.0/24"), owner);
    const parsed = parseOwnershipTags([tag, { key: "Name", value: "private-a" }]);
    expect([...parsed.owners]).toEqual([["10.8.0.0/24", owner]]);
    expect(parsed.malformedKeys).toEqual([]);
  });

  it("parses another cluster's record as that cluster's owner", () => {
    expect(parseOwnerValue("staging/vpn/wireguard")).toEqual({
      clusterId: "staging",
      service: "vpn/wireguard",
    });
  });

  it.each([
    [""],
    ["prod-eu"],
    ["prod-eu/vpn"],
    ["prod-eu/vpn/openvpn/extra"],
    ["/vpn/openvpn"],
    ["prod-eu//openvpn"],
    ["prod-eu/VPN/openvpn"],
    ["prod eu/vpn/openvpn"],
    ["prod-eu/vpn/open_vpn"],
  ])("treats the malformed value %j as a foreign owner, never ours", (value) => {
    expect(parseOwnerValue(value)).toEqual({ clusterId: "", service: value });
  });

  it("canonicalises CIDRs in tag keys written by hand", () => {
    const parsed = parseOwnershipTags([
      { key: "vpc-route-sync.io/route/2001:DB8:0:0::/64", value: "prod-eu/vpn/openvpn" },
    ]);
    expect([...parsed.owners.keys()]).toEqual(["2001:db8::/64"]);
  });

  it("sets aside keys whose CIDR part is not a network", () => {
    const parsed = parseOwnershipTags([
      { key: "vpc-route-sync.io/route/10.8.0.1/24", value: "prod-eu/vpn/openvpn" },
      { key: "vpc-route-sync.io/route/banana", value: "prod-eu/vpn/openvpn" },
    ]);
    expect(parsed.owners.size).toBe(0);
    expect(parsed.malformedKeys).toEqual([
      "vpc-route-sync.io/route/10.8.0.1/24",
      "vpc-route-sync.io/route/banana",
    ]);
  });

  it("accepts cluster ids that fit a tag value and refuses the rest", () => {
    expect(clusterIdProblem("prod-eu-1")).toBeUndefined();
    expect(clusterIdProblem("arn:aws:eks:us-east-1:1:cluster.x")).toBeUndefined();
    expect(clusterIdProblem("")).toMatch(/no "\/"/);
    expect(clusterIdProblem("a/b")).toBeDefined();
    expect(clusterIdProblem("a b")).toBeDefined();
    expect(clusterIdProblem("x".repeat(101))).toBeDefined();
  });
});
