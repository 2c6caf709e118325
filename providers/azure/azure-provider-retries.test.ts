import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { ConflictError, ThrottledError } from "../../src/errors.js";
import type { FakeAzure } from "../../test/fakes/azure/fake-azure.js";
import {
  ids,
  providerFor,
  seedScenario,
  startScenario,
  routeWrite as write,
} from "../../test/fakes/azure/provider-harness.js";

const v4 = mustParseCidr("10.8.0.0/24");

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

describe("azure provider write concurrency and retries against the fake ARM over HTTPS", () => {
  it("serialises its writes per route table, so ARM never answers AnotherOperationInProgress", async () => {
    fake.settings.operationDurationMs = 40;
    const { provider } = providerFor(fake);
    const cidrs = ["10.8.0.0/24", "10.8.1.0/24", "10.8.2.0/24", "10.8.3.0/24"].map(mustParseCidr);
    await Promise.all([
      ...cidrs.map((c) => provider.applyWrite(write("create", c, "10.0.0.4"))),
      ...cidrs.map((c) => provider.applyWrite(write("create", c, "10.0.0.4", ids.tableB))),
    ]);
    expect(fake.callLog().filter((c) => c.status === 409)).toEqual([]);
    expect(fake.routeTable(ids.tableA)?.routes).toHaveLength(4);
    expect(fake.routeTable(ids.tableB)?.routes).toHaveLength(4);
  });

  it("retries a 429 after exactly the Retry-After ARM asked for, on the injected clock", async () => {
    const { provider, clock, calls } = providerFor(fake);
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 17 },
    });
    const started = performance.now();
    await provider.applyWrite(write("create", v4, "10.0.0.4"));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(clock.sleeps).toEqual([17_000]);
    expect(calls.calls).toContainEqual({
      operation: "routes.createOrUpdate",
      outcome: "throttled",
    });
    expect(fake.routeTable(ids.tableA)?.routes).toHaveLength(1);
  });

  it("backs off on conflicts it did not cause (409 from another writer, 412 stale etag)", async () => {
    const { provider, clock } = providerFor(fake);
    fake.injectFault({
      operation: "routes.createOrUpdate",
      times: 2,
      effect: { status: 409, code: "AnotherOperationInProgress" },
    });
    fake.injectFault({
      operation: "routeTables.updateTags",
      effect: { status: 412, code: "PreconditionFailed" },
    });
    await provider.applyWrite(write("create", v4, "10.0.0.4"));
    expect(clock.sleeps).toEqual([188, 188, 375]);
    // the claim's read, again after the 412, and the read-back that verifies the tag
    expect(fake.calls("routeTables.get")).toBe(3);
    expect(fake.routeTable(ids.tableA)?.tags).toHaveProperty("vrs-c1-10-8-0-0-24", "vpn/openvpn");
  });

  it("gives up after a bounded number of attempts and throws the typed error", async () => {
    const { provider, clock } = providerFor(fake, { retry: { attempts: 3, random: () => 0 } });
    fake.injectFault({
      operation: "routes.createOrUpdate",
      times: 10,
      effect: { status: 429, code: "TooManyRequests" },
    });
    await expect(provider.applyWrite(write("replace", v4, "10.0.0.4"))).rejects.toBeInstanceOf(
      ThrottledError,
    );
    expect(fake.calls("routes.createOrUpdate")).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
    fake.clearFaults();
    fake.injectFault({
      operation: "routes.createOrUpdate",
      times: 10,
      effect: { status: 409, code: "AnotherOperationInProgress" },
    });
    await expect(provider.applyWrite(write("replace", v4, "10.0.0.4"))).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});
