import { describe, expect, it } from "vitest";
import { observeTable, unknownService } from "./observe.js";
import type { AzureRoute, AzureRouteTable } from "./port.js";

const table = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt";

function appliance(name: string, addressPrefix: string, ip: string): AzureRoute {
  return { name, addressPrefix, nextHopType: "VirtualAppliance", nextHopIpAddress: ip };
}

function observe(routes: AzureRoute[], tags: Record<string, string> = {}) {
  const azure: AzureRouteTable = { etag: 'W/"1"', tags, routes, subnetIds: [] };
  return observeTable(table, azure, "c1").routes.map((r) => ({
    cidr: r.cidr,
    owner: r.owner,
    targetId: r.targetId,
    exists: r.exists,
  }));
}

describe("observing an Azure route table", () => {
  it("owns a route only with both its name and its tag", () => {
    expect(
      observe([appliance("vrs-c1-10-8-0-0-24", "10.8.0.0/24", "10.0.0.4")], {
        "VRS-C1-10-8-0-0-24": "vpn/openvpn",
      }),
    ).toEqual([
      {
        cidr: "10.8.0.0/24",
        owner: { clusterId: "c1", service: "vpn/openvpn" },
        targetId: "10.0.0.4",
        exists: true,
      },
    ]);
    expect(
      observe([appliance("vrs-c1-10-8-0-0-24", "10.8.0.0/24", "10.0.0.4")])[0]?.owner,
    ).toBeUndefined();
    expect(
      observe([appliance("vrs-c1-10-8-0-0-24", "10.8.0.0/24", "10.0.0.4")], {
        "vrs-c1-10-8-0-0-24": "garbage",
      })[0]?.owner,
    ).toBeUndefined();
  });

  it("treats a tag on a foreign-named route as no ownership", () => {
    expect(
      observe([appliance("legacy", "10.8.0.0/24", "10.0.0.4")], { legacy: "vpn/openvpn" })[0]
        ?.owner,
    ).toBeUndefined();
  });

  it("reports another cluster's route as theirs, even when its tag is missing", () => {
    expect(observe([appliance("vrs-c2-10-8-0-0-24", "10.8.0.0/24", "10.0.0.4")])[0]?.owner).toEqual(
      {
        clusterId: "c2",
        service: unknownService,
      },
    );
  });

  it("canonicalises next hops and keeps non-appliance routes without a target", () => {
    expect(
      observe([
        appliance("a", "FD00::/64", "FD00:0::4"),
        {
          name: "b",
          addressPrefix: "10.9.0.0/24",
          nextHopType: "Internet",
          nextHopIpAddress: undefined,
        },
        {
          name: "c",
          addressPrefix: "AzureCloud",
          nextHopType: "Internet",
          nextHopIpAddress: undefined,
        },
      ]),
    ).toEqual([
      { cidr: "fd00::/64", owner: undefined, targetId: "fd00::4", exists: true },
      { cidr: "10.9.0.0/24", owner: undefined, targetId: undefined, exists: true },
    ]);
  });

  it("reports this cluster's record without a route, unless another route holds the CIDR", () => {
    expect(
      observe([appliance("legacy", "10.9.0.0/24", "10.0.0.4")], {
        "vrs-c1-10-8-0-0-24": "vpn/openvpn",
        "vrs-c1-10-9-0-0-24": "vpn/openvpn",
        "vrs-c2-10-7-0-0-24": "vpn/other",
        team: "netops",
      }),
    ).toEqual([
      { cidr: "10.9.0.0/24", owner: undefined, targetId: "10.0.0.4", exists: true },
      {
        cidr: "10.8.0.0/24",
        owner: { clusterId: "c1", service: "vpn/openvpn" },
        targetId: undefined,
        exists: false,
      },
    ]);
  });
});
