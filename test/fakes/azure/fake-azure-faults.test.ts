import { request } from "node:https";
import type { NetworkManagementClient } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeAzure } from "./fake-azure.js";
import { fakeNetworkClient } from "./sdk-client.js";

const sub = "00000000-0000-0000-0000-000000000002";
const rg = "net-rg";
const tableA = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/routeTables/rt-a`;
const tableB = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/routeTables/rt-b`;
const fast = { updateIntervalInMs: 5 };
const route = (ip: string) =>
  ({
    addressPrefix: `10.9.${ip.split(".")[3]}.0/24`,
    nextHopType: "VirtualAppliance",
    nextHopIpAddress: ip,
  }) as const;

let fake: FakeAzure;
let client: NetworkManagementClient;

function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  fake = await FakeAzure.start();
  client = fakeNetworkClient(fake, sub);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.settings.operationDurationMs = 30;
  fake.clearFaults();
  fake.resetCalls();
  fake.seedRouteTable({ id: tableA });
  fake.seedRouteTable({ id: tableB });
});

describe("fake ARM errors, throttling and fault injection through the real SDK", () => {
  it("answers a missing route table with 404 ResourceNotFound and a missing route with 404 NotFound", async () => {
    await expect(client.routeTables.get(rg, "nope")).rejects.toMatchObject({
      name: "RestError",
      statusCode: 404,
      code: "ResourceNotFound",
      message: expect.stringContaining(
        "Microsoft.Network/routeTables/nope' under resource group 'net-rg' was not found",
      ),
    });
    await expect(client.routes.get(rg, "rt-a", "missing")).rejects.toMatchObject({
      statusCode: 404,
      code: "NotFound",
    });
  });

  it("answers a second write to a route table with 409 AnotherOperationInProgress while the first runs", async () => {
    fake.settings.operationDurationMs = 300;
    const results = await Promise.allSettled([
      client.routes.createOrUpdate(rg, "rt-a", "one", route("10.0.0.1"), fast),
      client.routes.createOrUpdate(rg, "rt-a", "two", route("10.0.0.2"), fast),
      client.routes.createOrUpdate(rg, "rt-b", "three", route("10.0.0.3"), fast),
    ]);
    const rejected = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(rejected).toEqual([
      expect.objectContaining({
        statusCode: 409,
        code: "AnotherOperationInProgress",
        message: expect.stringContaining(
          "Another operation on this or dependent resource is in progress",
        ),
      }),
    ]);
    expect(fake.routeTable(tableB)?.routes.map((r) => r.name)).toEqual(["three"]);
  });

  it("surfaces 429 with its Retry-After header when the SDK's retries are off", async () => {
    fake.injectFault({
      operation: "routeTables.get",
      effect: { status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 7 },
    });
    const error = await failure(client.routeTables.get(rg, "rt-a"));
    expect(error).toMatchObject({ statusCode: 429, code: "SubscriptionRequestsThrottled" });
    const headers = (error as { response?: { headers: { get(name: string): string | undefined } } })
      .response?.headers;
    expect(headers?.get("retry-after")).toBe("7");
  });

  it("is retried by the SDK's own throttling policy when retries are on", async () => {
    const retrying = fakeNetworkClient(fake, sub, { maxRetries: 2 });
    fake.injectFault({
      operation: "routeTables.get",
      effect: { status: 429, code: "TooManyRequests", retryAfterSeconds: 0 },
    });
    await expect(retrying.routeTables.get(rg, "rt-a")).resolves.toMatchObject({ name: "rt-a" });
    expect(fake.callLog().map((c) => c.status)).toEqual([429, 200]);
  });

  it("injects the next N faults of one operation only", async () => {
    fake.injectFault({
      operation: "routes.createOrUpdate",
      times: 2,
      effect: { status: 503, code: "ServiceUnavailable" },
    });
    await expect(client.routeTables.get(rg, "rt-a")).resolves.toBeDefined();
    for (let i = 0; i < 2; i++) {
      await expect(
        client.routes.createOrUpdate(rg, "rt-a", "one", route("10.0.0.1"), fast),
      ).rejects.toMatchObject({
        statusCode: 503,
        code: "ServiceUnavailable",
      });
    }
    await expect(
      client.routes.createOrUpdate(rg, "rt-a", "one", route("10.0.0.1"), fast),
    ).resolves.toBeDefined();
  });

  it("replays the same probabilistic faults for the same seed", async () => {
    const outcomes = async (): Promise<number[]> => {
      fake.clearFaults();
      fake.resetCalls();
      fake.injectFault({
        operation: "*",
        probability: 0.4,
        seed: 42,
        effect: { status: 500, code: "InternalServerError" },
      });
      for (let i = 0; i < 20; i++) await failure(client.routeTables.get(rg, "rt-a"));
      return fake.callLog().map((c) => c.status);
    };
    const first = await outcomes();
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(3);
    expect(await outcomes()).toEqual(first);
  });

  it("drops the connection for a reset fault, which the SDK reports as ECONNRESET", async () => {
    fake.injectFault({ operation: "routeTables.get", effect: { reset: true } });
    await expect(client.routeTables.get(rg, "rt-a")).rejects.toMatchObject({
      name: "RestError",
      code: "ECONNRESET",
    });
    expect(fake.callLog()).toEqual([expect.objectContaining({ status: 0 })]);
  });

  it("requires a bearer token and an api-version, like ARM", async () => {
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${fake.endpoint}${path}`,
          { ca: fake.caCertificate, headers },
          (res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => {
              body += chunk.toString();
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    const noToken = await get(`${tableA}?api-version=2026-01-01`, {});
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.body)).toEqual({
      error: { code: "AuthenticationFailed", message: expect.any(String), details: [] },
    });
    const noVersion = await get(tableA, { authorization: "Bearer t" });
    expect(noVersion.status).toBe(400);
    expect(JSON.parse(noVersion.body)).toMatchObject({
      error: { code: "MissingApiVersionParameter" },
    });
  });
});
