import { describe, expect, it } from "vitest";
import { isPermanent } from "../../src/errors.js";
import { createFakeWorld, world } from "../../test/fakes/aws/fake-world.js";
import { selectorFilters } from "./managed-tables.js";
import { describeRouteTarget } from "./observed-table.js";

const [tableA = "", tableB = ""] = world.tables;
const ours = "vpc-route-sync.io/route/";

describe("listTables", () => {
  it("reads explicit ids with one filtered DescribeRouteTables", async () => {
    const { provider, port, observer } = createFakeWorld();
    port.addTable("rtb-0other", world.vpcId);
    const tables = await provider.listTables();
    expect(tables.map((t) => t.id)).toEqual([tableA, tableB]);
    expect(observer.count()).toBe(1);
    expect(port.calls).toEqual([
      { method: "describeRouteTables", detail: `route-table-id=${tableA},${tableB}` },
    ]);
  });

  it("reads tag-selected tables with one call and unites them with explicit ids", async () => {
    const { provider, port, observer } = createFakeWorld({
      routeTableIds: ["rtb-0c"],
      routeTableTags: [world.selector],
    });
    port.addTable("rtb-0c", world.vpcId);
    const tables = await provider.listTables();
    expect(tables.map((t) => t.id).sort()).toEqual([tableA, tableB, "rtb-0c"]);
    expect(observer.count("DescribeRouteTables")).toBe(2);
  });

  it("ANDs tag selectors and ORs values of one key, server-side", () => {
    expect(
      selectorFilters({
        ids: ["rtb-1", "rtb-1"],
        tags: [
          { key: "env", value: "prod" },
          { key: "env", value: "dr" },
          { key: "team", value: "net" },
        ],
      }),
    ).toEqual([
      [{ name: "route-table-id", values: ["rtb-1"] }],
      [
        { name: "tag:env", values: ["prod", "dr"] },
        { name: "tag:team", values: ["net"] },
      ],
    ]);
  });

  it("splits more than 200 explicit ids over calls of 200, EC2's filter limit", () => {
    const ids = Array.from({ length: 450 }, (_, i) => `rtb-${i.toString(16).padStart(8, "0")}`);
    const sets = selectorFilters({ ids, tags: [] });
    expect(sets.map((s) => s[0]?.values.length)).toEqual([200, 200, 50]);
  });

  it("follows NextToken, one counted call per page", async () => {
    const { provider, port, observer } = createFakeWorld({
      routeTableIds: [],
      routeTableTags: [world.selector],
    });
    port.pageSize = 1;
    expect(await provider.listTables()).toHaveLength(2);
    expect(observer.count("DescribeRouteTables")).toBe(2);
  });

  it("fails permanently, naming the id and the fix, when an explicit table does not exist", async () => {
    const { provider } = createFakeWorld({ routeTableIds: [tableA, "rtb-0dead"] });
    const error = await provider.listTables().catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/rtb-0dead .*does not exist in region us-east-1/);
    expect((error as Error).message).toContain("fix routeTableIds");
  });

  it("maps routes, owners and dangling ownership records", async () => {
    const { provider, port } = createFakeWorld();
    port.putRoute(tableA, "10.8.0.0/24", { networkInterfaceId: world.eniA, instanceId: "i-0aaa" });
    port.putRoute(tableA, "10.9.0.0/24", { networkInterfaceId: world.eniB });
    port.putRoute(tableA, "0.0.0.0/0", { otherTargetId: "igw-0abc" });
    port.putRoute(tableA, "10.10.0.0/24", { instanceId: "i-0ccc" });
    port.putRoute(tableA, "10.11.0.0/24", { networkInterfaceId: "eni-0dead", state: "blackhole" });
    port.putRoute(tableA, "2001:DB8:8::/64", { networkInterfaceId: world.eniA });
    port.putRoute(tableA, "pl", { destinationCidr: undefined, destinationPrefixListId: "pl-1" });
    const tags = port.tables.get(tableA)?.tags;
    tags?.set(`${ours}10.8.0.0/24`, "c1/vpn/openvpn");
    tags?.set(`${ours}10.9.0.0/24`, "other/vpn/wireguard");
    tags?.set(`${ours}10.12.0.0/24`, "c1/vpn/openvpn");
    tags?.set(`${ours}2001:db8:8::/64`, "garbage");

    const [table] = await provider.listTables();
    const byCidr = new Map(table?.routes.map((r) => [r.cidr, r]));
    expect(byCidr.get("10.8.0.0/24")).toEqual({
      table: tableA,
      cidr: "10.8.0.0/24",
      targetId: world.eniA,
      targetDescription: `${world.eniA} (i-0aaa)`,
      owner: { clusterId: "c1", service: "vpn/openvpn" },
      exists: true,
    });
    expect(byCidr.get("10.9.0.0/24")?.owner).toEqual({
      clusterId: "other",
      service: "vpn/wireguard",
    });
    expect(byCidr.get("0.0.0.0/0")).toMatchObject({
      targetId: undefined,
      targetDescription: "igw-0abc",
      owner: undefined,
    });
    expect(byCidr.get("172.31.0.0/16")).toMatchObject({
      targetId: undefined,
      targetDescription: "local",
    });
    expect(byCidr.get("10.10.0.0/24")).toMatchObject({
      targetId: undefined,
      targetDescription: "i-0ccc",
    });
    expect(byCidr.get("10.11.0.0/24")).toMatchObject({
      targetId: "eni-0dead",
      targetDescription: "blackhole (eni-0dead)",
    });
    expect(byCidr.get("2001:db8:8::/64")).toMatchObject({
      targetId: world.eniA,
      owner: { clusterId: "", service: "garbage" },
    });
    expect(byCidr.get("10.12.0.0/24")).toEqual({
      table: tableA,
      cidr: "10.12.0.0/24",
      targetId: undefined,
      targetDescription: "no route",
      owner: { clusterId: "c1", service: "vpn/openvpn" },
      exists: false,
    });
    expect(table?.routes.some((r) => r.cidr === "pl")).toBe(false);
    expect(table?.routes).toHaveLength(8);
  });

  it("describes a blackhole route without a known target", () => {
    const route = {
      destinationCidr: "10.8.0.0/24",
      destinationIpv6Cidr: undefined,
      destinationPrefixListId: undefined,
      networkInterfaceId: undefined,
      instanceId: undefined,
      otherTargetId: undefined,
      state: "blackhole",
    };
    expect(describeRouteTarget(route)).toBe("blackhole");
  });
});
