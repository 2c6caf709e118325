import { describe, expect, it } from "vitest";
import { observeTable, unknownService } from "./observe.js";
import type { AzureRoute, AzureRouteTable } from "./port.js";

const table = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt";

function appliance(name: string, addressPrefix: string, ip: string): AzureRoute {
  return {
    name,
    addressPrefix,
    nextHopType: "VirtualAppliance",
    nextHopIpAddress: ip,
    provisioningState: "Succeeded",
  };
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
  it("owns a route by its name, taking the Service from its tag", () => {
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
  });

  it.each([
    ["missing", {}],
    ["malformed", { "vrs-c1-10-8-0-0-24": "garbage" }],
  ])(
    "keeps our route ours when its tag is %s (a concurrent tag write dropped it), with the Service unknown so the record is rewritten",
    (_, tags) => {
      expect(
        observe([appliance("vrs-c1-10-8-0-0-24", "10.8.0.0/24", "10.0.0.4")], tags)[0]?.owner,
      ).toEqual({ clusterId: "c1", service: unknownService });
    },
  );

  it.each(["Failed", "Canceled", "Updating"])(
    "reports a route in provisioningState %s as having no target in place",
    (state) => {
      const route = { ...appliance("vrs-c1-10-8-0-0-24", "10.8.0.0/24", "10.0.0.4") };
      const [observed] = observe([{ ...route, provisioningState: state }], {
        "vrs-c1-10-8-0-0-24": "vpn/openvpn",
      });
      expect(observed).toMatchObject({ targetId: undefined, exists: true });
    },
  );

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
          provisioningState: "Succeeded",
        },
        {
          name: "c",
          addressPrefix: "AzureCloud",
          nextHopType: "Internet",
          nextHopIpAddress: undefined,
          provisioningState: "Succeeded",
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
