import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import type { Action } from "../../src/domain/plan.js";
import { ConflictError, ThrottledError } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import { applyPlan } from "../../src/reconciler/apply.js";
import { WriteRateLimiter } from "../../src/reconciler/rate-limiter.js";
import type { FakeAzure } from "../../test/fakes/azure/fake-azure.js";
import {
  ids,
  providerFor,
  seedScenario,
  startScenario,
  routeWrite as write,
} from "../../test/fakes/azure/provider-harness.js";
import { VirtualClock } from "../../test/unit/fixtures/clock.js";

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

describe("azure provider write concurrency and errors against the fake ARM over HTTPS: one attempt per step, the applier retries", () => {
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

  it("makes one attempt on a 429 and hands the Retry-After ARM asked for to the caller", async () => {
    const { provider, clock, calls } = providerFor(fake);
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 17 },
    });
    const error = await provider.applyWrite(write("create", v4, "10.0.0.4")).catch((e) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(17_000);
    expect(fake.calls("routes.createOrUpdate")).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(calls.calls).toContainEqual({
      operation: "routes.createOrUpdate",
      outcome: "throttled",
    });
  });

  it("makes one attempt on a conflict it did not cause (409 from another writer)", async () => {
    const { provider, clock } = providerFor(fake);
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { status: 409, code: "AnotherOperationInProgress" },
    });
    await expect(provider.applyWrite(write("create", v4, "10.0.0.4"))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(fake.calls("routes.createOrUpdate")).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([
    ["the operation's status poll", "operations.get"],
    ["the SDK's final read of the route", "routes.get"],
  ] as const)(
    "does not start a second operation when %s was lost after the write took effect",
    async (_, operation) => {
      const { provider } = providerFor(fake);
      fake.injectFault({ operation, effect: { reset: true } });
      await expect(provider.applyWrite(write("create", v4, "10.0.0.4"))).rejects.toThrow(
        /socket hang up|ECONNRESET/,
      );
      await new Promise((resolve) => setTimeout(resolve, 40));
      await provider.applyWrite(write("create", v4, "10.0.0.4"));
      expect(fake.calls("routes.createOrUpdate")).toBe(1);
      expect(fake.routeTable(ids.tableA)?.routes).toEqual([
        expect.objectContaining({ nextHopIpAddress: "10.0.0.4", provisioningState: "Succeeded" }),
      ]);
    },
  );

  it("is retried by the applier alone: a 429 then a 409 cost three HTTP attempts in all, the Retry-After honoured", async () => {
    const { provider } = providerFor(fake);
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { status: 429, code: "TooManyRequests", retryAfterSeconds: 2 },
    });
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { status: 409, code: "AnotherOperationInProgress" },
    });
    const clock = new VirtualClock();
    const action: Action = {
      kind: "create",
      service: "vpn/openvpn",
      table: ids.tableA,
      cidr: v4.text,
      target: { id: "10.0.0.4", nodeName: "node-a" },
      currentTargetId: undefined,
      currentTargetDescription: undefined,
      owner: { clusterId: "c1", service: "vpn/openvpn" },
      adopt: false,
      routeExists: false,
      ownerChanged: true,
      reason: "requested",
    };
    const [result] = await applyPlan([action], {
      applyWrite: (w) => provider.applyWrite(w),
      assertMayWrite: () => undefined,
      limiter: new WriteRateLimiter(1_000, clock),
      clock,
      logger: silentLogger(),
      minRetryDelayMs: 1,
      maxRetryDelayMs: 2,
    });
    expect(result?.outcome).toBe("applied");
    expect(fake.calls("routes.createOrUpdate")).toBe(3);
    expect(clock.now).toBeGreaterThanOrEqual(2_000);
    expect(fake.routeTable(ids.tableA)?.routes).toHaveLength(1);
  });
});
