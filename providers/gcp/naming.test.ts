import { describe, expect, it } from "vitest";
import { clusterSlug, ownerDescription, parseOwner, requestId, routeName } from "./naming.js";
import { nextPriority } from "./priority.js";

const owner = { clusterId: "prod", service: "vpn/openvpn" };
const target = "projects/p/zones/z/instances/node-a";
const gcpName = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe("GCP route names, ownership markers and request ids", () => {
  it.each([
    ["prod"],
    ["Prod_Cluster.EU"],
    ["a-very-long-cluster-identifier-that-goes-on-and-on-and-on-forever"],
    ["---"],
    ["0-starts-with-digit"],
  ])("makes a valid route name of at most 63 characters for cluster %j", (clusterId) => {
    const name = routeName({ clusterId, service: "vpn/openvpn" }, "10.8.0.0/24", target);
    expect(name).toMatch(gcpName);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.startsWith(`vrs-${clusterSlug(clusterId)}-`)).toBe(true);
  });

  it("is deterministic and changes with the CIDR, the target, the Service and the cluster", () => {
    const base = routeName(owner, "10.8.0.0/24", target);
    expect(routeName(owner, "10.8.0.0/24", target)).toBe(base);
    expect(
      new Set([
        base,
        routeName(owner, "10.9.0.0/24", target),
        routeName(owner, "10.8.0.0/24", "projects/p/zones/z/instances/node-b"),
        routeName({ ...owner, service: "vpn/other" }, "10.8.0.0/24", target),
        routeName({ ...owner, clusterId: "PROD" }, "10.8.0.0/24", target),
      ]).size,
    ).toBe(5);
  });

  it("round-trips the owner through name and description", () => {
    const route = {
      name: routeName(owner, "10.8.0.0/24", target),
      description: ownerDescription(owner, "10.8.0.0/24"),
      destRange: "10.8.0.0/24",
    };
    expect(route.description).toBe(
      "vpc-route-sync:v1 cluster=prod service=vpn/openvpn cidr=10.8.0.0/24",
    );
    expect(parseOwner(route)).toEqual(owner);
  });

  it("reads another cluster's marker as that cluster's ownership", () => {
    const theirs = { clusterId: "staging", service: "vpn/wg" };
    expect(
      parseOwner({
        name: routeName(theirs, "fd00::/64", target),
        description: ownerDescription(theirs, "fd00::/64"),
        destRange: "fd00::/64",
      }),
    ).toEqual(theirs);
  });

  it.each([
    ["no description", { description: "" }],
    ["a hand-written description", { description: "route to the VPN box" }],
    [
      "a future marker version",
      { description: "vpc-route-sync:v2 cluster=prod service=vpn/openvpn cidr=10.8.0.0/24" },
    ],
    ["a marker for another CIDR", { description: ownerDescription(owner, "10.9.0.0/24") }],
    [
      "a Service without namespace",
      { description: "vpc-route-sync:v1 cluster=prod service=openvpn cidr=10.8.0.0/24" },
    ],
    [
      "extra words after the marker",
      { description: `${ownerDescription(owner, "10.8.0.0/24")} extra=1` },
    ],
    ["a name without our prefix", { name: "my-route" }],
    ["a name with another cluster's slug", { name: "vrs-staging-0123456789ab" }],
  ])("treats a route with %s as foreign", (_case, override) => {
    const route = {
      name: routeName(owner, "10.8.0.0/24", target),
      description: ownerDescription(owner, "10.8.0.0/24"),
      destRange: "10.8.0.0/24",
      ...override,
    };
    expect(parseOwner(route)).toBeUndefined();
  });

  it("derives requestIds as stable version-5 UUIDs that differ per write", () => {
    const id = requestId("insert", "p", "vrs-prod-abc", "1000");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestId("insert", "p", "vrs-prod-abc", "1000")).toBe(id);
    expect(requestId("insert", "p", "vrs-prod-abc", "999")).not.toBe(id);
  });

  it.each([
    [[], 1000],
    [[1000], 999],
    [[999], 1000],
    [[999, 1000], 1000],
    [[500], 1000],
  ])("puts a route replacing priorities %j at %i", (replaced, expected) => {
    expect(nextPriority(1000, replaced)).toBe(expected);
  });
});
