import type { NetworkManagementClient } from "@azure/arm-network";
import { isRestError } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeAzure } from "./fake-azure.js";
import { fakeNetworkClient, sendRaw } from "./sdk-client.js";

const sub = "00000000-0000-0000-0000-000000000001";
const tableId = `/subscriptions/${sub}/resourceGroups/net-rg/providers/Microsoft.Network/routeTables/vpn-rt`;
const fast = { updateIntervalInMs: 5 };
const vpnRoute = {
  addressPrefix: "10.8.0.0/24",
  nextHopType: "VirtualAppliance",
  nextHopIpAddress: "10.0.0.4",
} as const;

let fake: FakeAzure;
let client: NetworkManagementClient;

beforeAll(async () => {
  fake = await FakeAzure.start();
  client = fakeNetworkClient(fake, sub);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.settings.operationDurationMs = 30;
  fake.clearFaults();
  fake.resetCalls();
  fake.seedRouteTable({
    id: tableId,
    tags: { owner: "netops" },
    routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }],
  });
});

describe("fake ARM routes through the real NetworkManagementClient", () => {
  it("creates a route as a long-running operation that the SDK polls to Succeeded", async () => {
    fake.settings.operationDurationMs = 40;
    const route = await client.routes.createOrUpdate("net-rg", "vpn-rt", "vpn", vpnRoute, fast);
    expect(route).toMatchObject({
      name: "vpn",
      id: `${tableId}/routes/vpn`,
      type: "Microsoft.Network/routeTables/routes",
      ...vpnRoute,
      provisioningState: "Succeeded",
    });
    expect(route.etag).toMatch(/^W\/".+"$/);
    const log = fake.callLog();
    expect(log[0]).toMatchObject({
      operation: "routes.createOrUpdate",
      status: 201,
      apiVersion: "2026-01-01",
    });
    expect(fake.calls("operations.get")).toBeGreaterThanOrEqual(2);
    expect(log.at(-1)).toMatchObject({ operation: "routes.get", status: 200 });
  });

  it("answers the PUT with Updating and an Azure-AsyncOperation URL that goes InProgress then Succeeded", async () => {
    fake.settings.operationDurationMs = 60;
    const put = await sendRaw(
      client,
      "PUT",
      `${fake.endpoint}${tableId}/routes/vpn?api-version=2026-01-01`,
      {
        properties: vpnRoute,
      },
    );
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ properties: { provisioningState: "Updating" } });
    const statusUrl = put.headers["azure-asyncoperation"] ?? "";
    expect(statusUrl).toMatch(
      new RegExp(
        `^${fake.endpoint}/subscriptions/${sub}/providers/Microsoft.Network/locations/westeurope/operations/[0-9a-f-]+\\?api-version=2026-01-01$`,
      ),
    );
    expect((await sendRaw(client, "GET", statusUrl)).body).toMatchObject({ status: "InProgress" });
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect((await sendRaw(client, "GET", statusUrl)).body).toMatchObject({ status: "Succeeded" });
    expect(fake.routeTable(tableId)?.routes).toContainEqual(
      expect.objectContaining({ name: "vpn", provisioningState: "Succeeded" }),
    );
  });

  it("updates an existing route in place with 200 and keeps one route per name", async () => {
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "vpn", vpnRoute, fast);
    fake.resetCalls();
    await client.routes.createOrUpdate(
      "net-rg",
      "vpn-rt",
      "vpn",
      { ...vpnRoute, nextHopIpAddress: "10.0.0.5" },
      fast,
    );
    expect(fake.callLog()[0]).toMatchObject({ operation: "routes.createOrUpdate", status: 200 });
    const routes = fake
      .routeTable(tableId)
      ?.routes.filter((r) => r.addressPrefix === "10.8.0.0/24");
    expect(routes).toEqual([
      expect.objectContaining({ name: "vpn", nextHopIpAddress: "10.0.0.5" }),
    ]);
  });

  it("gets the route table with its routes and tags, and lists and gets single routes", async () => {
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "vpn", vpnRoute, fast);
    const table = await client.routeTables.get("net-rg", "vpn-rt");
    expect(table.tags).toEqual({ owner: "netops" });
    expect(
      table.routes?.map((r) => [r.name, r.addressPrefix, r.nextHopType, r.nextHopIpAddress]),
    ).toEqual([
      ["default", "0.0.0.0/0", "Internet", undefined],
      ["vpn", "10.8.0.0/24", "VirtualAppliance", "10.0.0.4"],
    ]);
    const listed: string[] = [];
    for await (const route of client.routes.list("net-rg", "vpn-rt")) listed.push(route.name ?? "");
    expect(listed).toEqual(["default", "vpn"]);
    expect(await client.routes.get("net-rg", "vpn-rt", "VPN")).toMatchObject({ name: "vpn" });
  });

  it("deletes with 202 and polling, then answers 204 for a route that is already gone", async () => {
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "vpn", vpnRoute, fast);
    fake.resetCalls();
    await client.routes.delete("net-rg", "vpn-rt", "vpn", fast);
    expect(fake.callLog()[0]).toMatchObject({ operation: "routes.delete", status: 202 });
    expect(fake.calls("operations.get")).toBeGreaterThanOrEqual(1);
    expect(fake.routeTable(tableId)?.routes.map((r) => r.name)).toEqual(["default"]);
    fake.resetCalls();
    await client.routes.delete("net-rg", "vpn-rt", "vpn", fast);
    expect(fake.callLog()).toEqual([
      expect.objectContaining({ operation: "routes.delete", status: 204 }),
    ]);
  });

  it("gives DELETE both Azure-AsyncOperation and a Location that answers 202 then 204", async () => {
    fake.settings.operationDurationMs = 40;
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "vpn", vpnRoute, fast);
    const deleted = await sendRaw(
      client,
      "DELETE",
      `${fake.endpoint}${tableId}/routes/vpn?api-version=2026-01-01`,
    );
    expect(deleted.status).toBe(202);
    expect(deleted.headers["azure-asyncoperation"]).toContain("/operations/");
    const location = deleted.headers.location ?? "";
    expect(location).toContain("/operationResults/");
    expect((await sendRaw(client, "GET", location)).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await sendRaw(client, "GET", location)).status).toBe(204);
  });

  it("surfaces a failed asynchronous operation as the SDK's long-running-operation error", async () => {
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { asyncFailure: { code: "InternalServerError", message: "An error occurred." } },
    });
    await expect(
      client.routes.createOrUpdate("net-rg", "vpn-rt", "vpn", vpnRoute, fast),
    ).rejects.toThrow(
      /long-running operation has failed\. InternalServerError\. An error occurred\./,
    );
    expect(fake.routeTable(tableId)?.routes).toContainEqual(
      expect.objectContaining({ name: "vpn", provisioningState: "Failed" }),
    );
  });

  it.each([
    ["a second route with the same prefix", "other", vpnRoute, 400, "RouteConflict"],
    [
      "a VirtualAppliance without next hop IP",
      "vpn",
      { addressPrefix: "10.8.0.0/24", nextHopType: "VirtualAppliance" },
      400,
      "MissingNextHopIpAddress",
    ],
    [
      "a malformed prefix",
      "vpn",
      { ...vpnRoute, addressPrefix: "10.8.0/24" },
      400,
      "InvalidAddressPrefixFormat",
    ],
    ["an invalid route name", "-bad-", vpnRoute, 400, "InvalidResourceName"],
  ] as const)(
    "refuses %s with the ARM error the SDK surfaces as RestError",
    async (_case, name, body, status, code) => {
      if (code === "RouteConflict")
        await client.routes.createOrUpdate("net-rg", "vpn-rt", "vpn", vpnRoute, fast);
      const error: unknown = await client.routes
        .createOrUpdate("net-rg", "vpn-rt", name, body, fast)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isRestError(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: status, code });
    },
  );
});
