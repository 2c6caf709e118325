import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { PermanentError } from "../../src/errors.js";
import type { FakeAzure } from "../../test/fakes/azure/fake-azure.js";
import {
  ids,
  owner,
  providerFor,
  seedScenario,
  startScenario,
  routeWrite as write,
} from "../../test/fakes/azure/provider-harness.js";

const v4 = mustParseCidr("10.8.0.0/24");
const v6 = mustParseCidr("fd00:8::/64");

let fake: FakeAzure;

beforeAll(async () => {
  fake = await startScenario();
});
afterAll(() => fake.close());
beforeEach(() => {
  seedScenario(fake);
  fake.settings.operationDurationMs = 20;
  fake.clearFaults();
  fake.resetCalls();
});

describe("azure provider routes against the fake ARM over HTTPS", () => {
  it("lists every route table with one GET each, across subscriptions", async () => {
    const { provider, calls } = providerFor(fake);
    const tables = await provider.listTables();
    expect(tables).toEqual([
      { id: ids.tableA, routes: [] },
      { id: ids.tableB, routes: [] },
    ]);
    expect(fake.calls("routeTables.get")).toBe(2);
    expect(fake.calls()).toBe(2);
    expect(calls.calls).toEqual([
      { operation: "routeTables.get", outcome: "ok" },
      { operation: "routeTables.get", outcome: "ok" },
    ]);
  });

  it("creates a named route with an ownership tag, then lists it as owned", async () => {
    const { provider } = providerFor(fake);
    await provider.applyWrite(write("create", v4, "10.0.0.4"));
    const table = fake.routeTable(ids.tableA);
    expect(table?.routes).toEqual([
      expect.objectContaining({
        name: "vrs-c1-10-8-0-0-24",
        addressPrefix: "10.8.0.0/24",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.0.0.4",
        provisioningState: "Succeeded",
      }),
    ]);
    expect(table?.tags).toEqual({ team: "netops", "vrs-c1-10-8-0-0-24": "vpn/openvpn" });
    const [listed] = await provider.listTables();
    expect(listed?.routes).toEqual([
      {
        table: ids.tableA,
        cidr: "10.8.0.0/24",
        targetId: "10.0.0.4",
        targetDescription: "VirtualAppliance 10.0.0.4 (route vrs-c1-10-8-0-0-24)",
        owner,
        exists: true,
      },
    ]);
  });

  it("replaces in place with one PUT of the same route and never deletes (gapless)", async () => {
    const { provider } = providerFor(fake);
    await provider.applyWrite(write("create", v6, "fd00:10::4"));
    fake.resetCalls();
    await provider.applyWrite(write("replace", v6, "fd00:10::5"));
    expect(fake.calls("routes.createOrUpdate")).toBe(1);
    expect(fake.calls("routes.delete")).toBe(0);
    expect(fake.callLog().find((c) => c.operation === "routes.createOrUpdate")).toMatchObject({
      status: 200,
    });
    expect(fake.routeTable(ids.tableA)?.routes).toEqual([
      expect.objectContaining({ name: "vrs-c1-fd00-8---64", nextHopIpAddress: "fd00:10::5" }),
    ]);
  });

  it("deletes the route and then its ownership record", async () => {
    const { provider } = providerFor(fake);
    await provider.applyWrite(write("create", v4, "10.0.0.4", ids.tableB));
    await provider.applyWrite(write("delete", v4, undefined, ids.tableB));
    expect(fake.routeTable(ids.tableB)).toMatchObject({ routes: [], tags: {} });
  });

  it("reports an ownership record whose route is gone, and removes just the record", async () => {
    fake.seedRouteTable({ id: ids.tableA, tags: { "vrs-c1-10-8-0-0-24": "vpn/openvpn" } });
    const { provider } = providerFor(fake);
    const [table] = await provider.listTables();
    expect(table?.routes).toEqual([
      expect.objectContaining({ cidr: "10.8.0.0/24", owner, exists: false, targetId: undefined }),
    ]);
    await provider.applyWrite({ ...write("delete", v4, undefined), routeExists: false });
    expect(fake.calls("routes.delete")).toBe(0);
    expect(fake.routeTable(ids.tableA)?.tags).toEqual({});
  });

  it("leaves foreign routes alone and reports another cluster's route as theirs", async () => {
    fake.seedRouteTable({
      id: ids.tableA,
      tags: { "vrs-c2-10-9-0-0-24": "vpn/wireguard" },
      routes: [
        { name: "to-onprem", addressPrefix: "10.8.0.0/24", nextHopType: "VirtualNetworkGateway" },
        {
          name: "vrs-c2-10-9-0-0-24",
          addressPrefix: "10.9.0.0/24",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.0.2.9",
        },
        {
          name: "to-firewall",
          addressPrefix: "AzureCloud",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.0.3.4",
        },
      ],
    });
    const { provider } = providerFor(fake);
    const [table] = await provider.listTables();
    expect(table?.routes.map((r) => [r.cidr, r.owner, r.targetId])).toEqual([
      ["10.8.0.0/24", undefined, undefined],
      ["10.9.0.0/24", { clusterId: "c2", service: "vpn/wireguard" }, "10.0.2.9"],
    ]);
    const refused = await provider
      .applyWrite(write("create", v4, "10.0.0.4"))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentError);
    expect(String(refused)).toContain("route to-onprem");
    const stolen = await provider
      .applyWrite({ ...write("replace", mustParseCidr("10.9.0.0/24"), "10.0.0.4"), adopt: true })
      .catch((e: unknown) => e);
    expect(String(stolen)).toContain("cluster c2's");
    expect(
      fake.calls("routes.createOrUpdate") +
        fake.calls("routes.delete") +
        fake.calls("tags.updateAtScope"),
    ).toBe(0);
  });

  it("adopts a foreign route when asked: records ownership, then moves the CIDR under its own name", async () => {
    fake.seedRouteTable({
      id: ids.tableA,
      routes: [
        {
          name: "legacy-vpn",
          addressPrefix: "10.8.0.0/24",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.0.0.9",
        },
      ],
    });
    const { provider } = providerFor(fake);
    await provider.applyWrite({ ...write("replace", v4, "10.0.0.4"), adopt: true });
    const table = fake.routeTable(ids.tableA);
    expect(table?.routes.map((r) => [r.name, r.nextHopIpAddress])).toEqual([
      ["vrs-c1-10-8-0-0-24", "10.0.0.4"],
    ]);
    expect(table?.tags).toEqual({ "vrs-c1-10-8-0-0-24": "vpn/openvpn" });
  });
});
