import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
} from "../../src/errors.js";
import {
  type ProviderFixture,
  routeWrite,
  startProviderFixture,
  targetA,
  targetB,
} from "../../test/fakes/gcp/provider-fixture.js";

const cidr = "10.8.0.0/24";
let f: ProviderFixture;

beforeEach(async () => {
  f = await startProviderFixture({ requestTimeoutMs: 300, operationTimeoutMs: 180_000 });
});
afterEach(async () => {
  await f.close();
});

const operationsFor = (type: string) =>
  f.fake.control.operations().filter((o) => o.operationType === type);

describe("GCP provider under API faults, through the real SDK", () => {
  it.each([
    [
      "429 with RetryInfo",
      { kind: "status", status: 429, retryAfterSeconds: 2, withErrorInfo: true },
      ThrottledError,
      /routes.list .* failed: rateLimitExceeded \(HTTP 429\)/,
    ],
    [
      "403 rateLimitExceeded",
      { kind: "status", status: 403 },
      ThrottledError,
      /rateLimitExceeded \(HTTP 403\)/,
    ],
    [
      "500 backendError",
      { kind: "status", status: 500 },
      TransientError,
      /backendError \(HTTP 500\)/,
    ],
    [
      "503 backendError",
      { kind: "status", status: 503 },
      TransientError,
      /backendError \(HTTP 503\)/,
    ],
    ["a connection reset", { kind: "reset" }, TransientError, /routes.list/],
    ["a response that never comes", { kind: "timeout" }, TransientError, /routes.list/],
    [
      "403 forbidden",
      { kind: "status", status: 403, reason: "forbidden" },
      PermanentError,
      /forbidden \(HTTP 403\)/,
    ],
    ["412 conditionNotMet", { kind: "status", status: 412 }, ConflictError, /conditionNotMet/],
  ] as const)("classifies %s on routes.list", async (_case, fault, type, message) => {
    f.fake.control.faults.failNext("routes.list", fault);
    const error = await f.provider.listTables().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(String(error)).toMatch(message);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(f.fake.control.calls.count("routes.list")).toBe(1);
  });

  it("passes the server's RetryInfo delay on and reports the call as throttled", async () => {
    f.fake.control.faults.failNext("routes.list", {
      kind: "status",
      status: 429,
      retryAfterSeconds: 2,
      withErrorInfo: true,
    });
    const error = await f.provider.listTables().catch((e: unknown) => e);
    expect(error).toMatchObject({ retryAfterMs: 2_000 });
    expect(f.observer.calls).toEqual([{ operation: "routes.list", outcome: "throttled" }]);
  });

  it("keeps waiting while globalOperations.wait answers before DONE", async () => {
    Object.assign(f.fake.control.timings, { runningMs: 150_000, waitMaxMs: 20_000 });
    await f.provider.applyWrite(routeWrite("create", cidr, targetA, { kind: "create" }));
    expect(f.fake.control.calls.count("globalOperations.wait")).toBeGreaterThanOrEqual(5);
    expect(f.fake.control.routes().map((r) => r.destRange)).toEqual([cidr]);
  });

  it("falls back to globalOperations.get when wait fails, and still finishes", async () => {
    f.fake.control.faults.failNext("globalOperations.wait", { kind: "status", status: 503 }, 2);
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    expect(f.fake.control.calls.count("globalOperations.get")).toBeGreaterThanOrEqual(1);
    expect(f.fake.control.routes()).toHaveLength(1);
  });

  it("gives up after operationTimeoutMs naming the operation, and a retry resumes the same operation", async () => {
    Object.assign(f.fake.control.timings, { runningMs: 5 * 60_000 });
    const error = await f.provider
      .applyWrite(routeWrite("create", cidr, targetA))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toMatch(/operation operation-\S+ is still RUNNING after 180000 ms/);
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    expect(operationsFor("insert")).toHaveLength(1);
    expect(f.fake.control.routes()).toHaveLength(1);
  });

  it("recovers from a lost insert response: the retry's requestId finds the first operation", async () => {
    f.fake.control.faults.failNext("routes.insert", {
      kind: "status",
      status: 503,
      afterApply: true,
    });
    await expect(f.provider.applyWrite(routeWrite("create", cidr, targetA))).rejects.toThrow(
      TransientError,
    );
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    expect(f.fake.control.calls.count("routes.insert")).toBe(2);
    expect(operationsFor("insert")).toHaveLength(1);
    expect(f.fake.control.routes()).toHaveLength(1);
  });

  it("surfaces a failed insert operation typed, and retries it with a fresh requestId", async () => {
    const late = {
      id: "projects/test-project/zones/europe-west1-b/instances/late-node",
      nodeName: "late-node",
    };
    const error = await f.provider
      .applyWrite(routeWrite("create", cidr, late))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(String(error)).toMatch(/insert route vrs-prod-\S+ .*RESOURCE_NOT_FOUND \(HTTP 404\)/);
    f.fake.control.seedInstance({
      name: "late-node",
      zone: "europe-west1-b",
      network: "vpc",
      networkIP: "10.0.0.7",
    });
    await f.provider.applyWrite(routeWrite("create", cidr, late));
    expect(operationsFor("insert")).toHaveLength(2);
    expect(f.fake.control.routes()).toHaveLength(1);
  });

  it("keeps the old route when the new insert fails, so a failed move never leaves a gap", async () => {
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    f.fake.control.faults.failNext("routes.insert", { kind: "status", status: 500 });
    await expect(f.provider.applyWrite(routeWrite("replace", cidr, targetB))).rejects.toThrow(
      TransientError,
    );
    expect(f.fake.control.routes().map((r) => String(r.nextHopInstance).split("/").pop())).toEqual([
      "node-a",
    ]);
    expect(f.fake.control.calls.count("routes.delete")).toBe(0);
  });

  it("converges with 30 % of calls failing at random, retried by the caller", async () => {
    f.fake.control.faults.failRandomly({
      probability: 0.3,
      seed: 7,
      faults: [{ kind: "status", status: 503 }, { kind: "status", status: 429 }, { kind: "reset" }],
    });
    const retry = async (run: () => Promise<unknown>) => {
      for (let attempt = 0; attempt < 30; attempt++) {
        try {
          return await run();
        } catch (error) {
          if (
            !(
              error instanceof TransientError ||
              error instanceof ThrottledError ||
              error instanceof ConflictError
            )
          )
            throw error;
        }
      }
      throw new Error("did not converge");
    };
    await retry(() => f.provider.applyWrite(routeWrite("create", cidr, targetA)));
    await retry(() => f.provider.applyWrite(routeWrite("replace", cidr, targetB)));
    f.fake.control.faults.clear();
    const [table] = await f.provider.listTables();
    expect(table?.routes.map((r) => r.targetId)).toEqual([targetB.id]);
    expect(f.fake.control.routes()).toHaveLength(1);
  });
});
