import type { NetworkManagementClient } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeAzure } from "./fake-azure.js";
import { fakeNetworkClient, sendRaw } from "./sdk-client.js";

// Behaviours the ARM RPC and the network specs document that the provider must cope with:
// terminal states, 202 with only Location, contention as 429 or as a failed operation, a
// route's own etag, the ETag header and nextLink paging. See README.md for the sources.

const sub = "00000000-0000-0000-0000-000000000001";
const tableId = `/subscriptions/${sub}/resourceGroups/net-rg/providers/Microsoft.Network/routeTables/vpn-rt`;
const fast = { updateIntervalInMs: 5 };
const url = (path: string): string => `${fake.endpoint}${tableId}${path}?api-version=2026-01-01`;
const route = (i: number) => ({
  addressPrefix: `10.8.${i}.0/24`,
  nextHopType: "VirtualAppliance",
  nextHopIpAddress: "10.0.0.4",
});

let fake: FakeAzure;
let client: NetworkManagementClient;

beforeAll(async () => {
  fake = await FakeAzure.start();
  client = fakeNetworkClient(fake, sub);
});
afterAll(() => fake.close());
beforeEach(() => {
  Object.assign(fake.settings, {
    operationDurationMs: 20,
    busyTable: "conflict",
    deleteLroHeaders: "both",
    routesPageSize: undefined,
  });
  fake.clearFaults();
  fake.resetCalls();
  fake.seedRouteTable({ id: tableId });
});

describe("fake ARM: documented behaviours", () => {
  it("ends an operation Canceled when asked, leaving the route Canceled and the SDK failing", async () => {
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { asyncFailure: { code: "Canceled", message: "canceled", status: "Canceled" } },
    });
    await expect(
      client.routes.createOrUpdate("net-rg", "vpn-rt", "r0", route(0), fast),
    ).rejects.toThrow(/canceled/i);
    expect(fake.routeTable(tableId)?.routes).toEqual([
      expect.objectContaining({ name: "r0", provisioningState: "Canceled" }),
    ]);
  });

  it("answers a DELETE with 202 and only Location when set, and the SDK still completes it", async () => {
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "r0", route(0), fast);
    fake.settings.deleteLroHeaders = "location";
    const raw = await sendRaw(client, "DELETE", url("/routes/r0"));
    expect(raw.status).toBe(202);
    expect(raw.headers["azure-asyncoperation"]).toBeUndefined();
    expect(raw.headers.location).toContain("/operationResults/");
    await new Promise((resolve) => setTimeout(resolve, 30));
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "r1", route(1), fast);
    await client.routes.delete("net-rg", "vpn-rt", "r1", fast);
    expect(fake.routeTable(tableId)?.routes.map((r) => r.name)).toEqual([]);
  });

  it.each([
    ["conflict", 409, "AnotherOperationInProgress", undefined],
    ["throttle", 429, "TooManyRequests", "1"],
  ] as const)(
    "refuses a write to a busy table as %s (%i %s)",
    async (mode, status, code, retryAfter) => {
      fake.settings.busyTable = mode;
      fake.settings.operationDurationMs = 200;
      await sendRaw(client, "PUT", url("/routes/r0"), { properties: route(0) });
      const second = await sendRaw(client, "PUT", url("/routes/r1"), { properties: route(1) });
      expect(second.status).toBe(status);
      expect(second.body).toMatchObject({ error: { code } });
      expect(second.headers["retry-after"]).toBe(retryAfter);
    },
  );

  it("gives each route its own etag and sends the body's etag as the ETag header", async () => {
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "r0", route(0), fast);
    await client.routes.createOrUpdate("net-rg", "vpn-rt", "r1", route(1), fast);
    const table = await sendRaw(client, "GET", url(""));
    const r0 = await sendRaw(client, "GET", url("/routes/r0"));
    const r1 = await sendRaw(client, "GET", url("/routes/r1"));
    expect(table.headers.etag).toBe(Reflect.get(table.body as object, "etag"));
    expect(r0.headers.etag).toBe(Reflect.get(r0.body as object, "etag"));
    expect(new Set([table.headers.etag, r0.headers.etag, r1.headers.etag]).size).toBe(3);
  });

  it("pages routes.list through nextLink, which the SDK follows", async () => {
    for (const i of [0, 1, 2, 3, 4]) {
      await client.routes.createOrUpdate("net-rg", "vpn-rt", `r${i}`, route(i), fast);
    }
    fake.settings.routesPageSize = 2;
    const first = await sendRaw(client, "GET", url("/routes"));
    expect(Reflect.get(first.body as object, "value")).toHaveLength(2);
    expect(String(Reflect.get(first.body as object, "nextLink"))).toContain("$skipToken=2");
    fake.resetCalls();
    const names: string[] = [];
    for await (const r of client.routes.list("net-rg", "vpn-rt")) names.push(r.name ?? "");
    expect(names).toEqual(["r0", "r1", "r2", "r3", "r4"]);
    expect(fake.calls("routes.list")).toBe(3);
  });
});
