import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seededRandom } from "./faults.js";
import {
  failureOf,
  type SdkClients,
  sdkClients,
  startSeededFake,
  waitUntilDone,
} from "./sdk-harness.js";
import type { FakeCompute } from "./server.js";

const project = "test-project";
const noRetry = { retry: null, timeout: 2_000 } as const;
let fake: FakeCompute;
let sdk: SdkClients;

beforeAll(async () => {
  fake = await startSeededFake();
  sdk = sdkClients(fake);
  fake.control.seedRoute({
    name: "existing",
    network: "vpc",
    destRange: "10.30.0.0/24",
    nextHopIp: "10.0.0.9",
  });
});
afterAll(async () => {
  await sdk.close();
  await fake.close();
});
beforeEach(() => {
  fake.control.faults.clear();
  fake.control.calls.reset();
});

const getExisting = () => sdk.routes.get({ project, route: "existing" }, noRetry);

describe("error bodies and fault injection as the SDK surfaces them", () => {
  it("answers 429 with the Google body, an ErrorInfo and a RetryInfo detail", async () => {
    fake.control.faults.failNext("routes.get", {
      kind: "status",
      status: 429,
      retryAfterSeconds: 3,
      withErrorInfo: true,
    });
    const failure = await failureOf(getExisting);
    expect(failure).toMatchObject({
      httpStatusCode: 429,
      code: 8,
      reason: "RATE_LIMIT_EXCEEDED",
      errorsReason: "rateLimitExceeded",
    });
    expect(failure.body).toMatchObject({
      code: 429,
      status: "RESOURCE_EXHAUSTED",
      message: "Rate Limit Exceeded",
    });
    expect(JSON.stringify(failure.statusDetails)).toContain('"retryDelay":{"seconds":"3"');
  });

  it("answers 403 rateLimitExceeded the way Compute Engine rate quotas do", async () => {
    fake.control.faults.failNext("routes.get", { kind: "status", status: 403 });
    const failure = await failureOf(getExisting);
    expect(failure).toMatchObject({
      httpStatusCode: 403,
      code: 7,
      errorsReason: "rateLimitExceeded",
    });
    expect(failure.body).toEqual({
      code: 403,
      message: "Rate Limit Exceeded",
      errors: [
        { message: "Rate Limit Exceeded", domain: "usageLimits", reason: "rateLimitExceeded" },
      ],
      status: "PERMISSION_DENIED",
    });
  });

  it.each([
    [500, 13],
    [503, 14],
  ])("answers %i backendError (gRPC code %i)", async (status, code) => {
    fake.control.faults.failNext("routes.get", { kind: "status", status });
    expect(await failureOf(getExisting)).toMatchObject({
      httpStatusCode: status,
      code,
      errorsReason: "backendError",
    });
  });

  it("shows why the provider turns SDK retries off: a 503 on a read is retried inside the SDK", async () => {
    fake.control.faults.failNext("routes.get", { kind: "status", status: 503 });
    const [route] = await sdk.routes.get({ project, route: "existing" });
    expect(route.name).toBe("existing");
    expect(fake.control.calls.count("routes.get")).toBe(2);
  });

  it("fails only the next N calls of one operation", async () => {
    fake.control.faults.failNext("routes.get", { kind: "status", status: 500 }, 2);
    await expect(getExisting()).rejects.toThrow();
    await expect(getExisting()).rejects.toThrow();
    await expect(getExisting()).resolves.toBeDefined();
    expect(fake.control.calls.all().map((c) => [c.status, c.faulted])).toEqual([
      [500, true],
      [500, true],
      [200, false],
    ]);
  });

  it("holds a response until the client's deadline passes (DEADLINE_EXCEEDED)", async () => {
    fake.control.faults.failNext("routes.get", { kind: "timeout" });
    const failure = await failureOf(() =>
      sdk.routes.get({ project, route: "existing" }, { retry: null, timeout: 150 }),
    );
    expect(failure.code).toBe(4);
  });

  it("resets the connection (UNAVAILABLE with no HTTP status)", async () => {
    fake.control.faults.failNext("routes.get", { kind: "reset" });
    const failure = await failureOf(getExisting);
    expect(failure).toMatchObject({ code: 14, httpStatusCode: undefined });
  });

  it("applies a write whose response is lost, so a retry with the same requestId finds the same operation", async () => {
    const requestId = "5f0c2b9e-1d3a-4b6c-8e7f-9a0b1c2d3e4f";
    const request = {
      project,
      requestId,
      routeResource: {
        name: "lost-response",
        network: "global/networks/vpc",
        destRange: "10.31.0.0/24",
        nextHopIp: "10.0.0.9",
      },
    };
    fake.control.faults.failNext("routes.insert", {
      kind: "status",
      status: 503,
      afterApply: true,
    });
    expect(await failureOf(() => sdk.routes.insert(request, noRetry))).toMatchObject({
      httpStatusCode: 503,
    });
    const [operation] = await sdk.routes.insert(request, noRetry);
    await waitUntilDone(sdk, project, String(operation.latestResponse.name));
    expect(
      fake.control
        .operations()
        .filter(
          (o) => o.operationType === "insert" && String(o.targetLink).endsWith("/lost-response"),
        ),
    ).toHaveLength(1);
  });

  it("fails calls at random with a seeded, reproducible sequence", async () => {
    const run = async () => {
      fake.control.faults.failRandomly({
        probability: 0.3,
        seed: 42,
        faults: [
          { kind: "status", status: 503 },
          { kind: "status", status: 429 },
        ],
        operations: ["routes.get"],
      });
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++)
        outcomes.push(
          await getExisting().then(
            () => "ok",
            (e: { httpStatusCode?: number }) => String(e.httpStatusCode),
          ),
        );
      return outcomes;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const failed = first.filter((o) => o !== "ok").length;
    expect(failed).toBeGreaterThan(2);
    expect(failed).toBeLessThan(20);
    expect(new Set(first)).toEqual(new Set(["ok", "503", "429"]));
  });

  it("draws the same numbers from the same seed", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it("answers 401 UNAUTHENTICATED when the bearer token is wrong", async () => {
    const { startFakeCompute } = await import("./server.js");
    const strict = await startFakeCompute({ accessToken: "expected" });
    const clients = sdkClients(strict);
    try {
      const failure = await failureOf(() => clients.routes.get({ project, route: "x" }, noRetry));
      expect(failure).toMatchObject({ httpStatusCode: 401, code: 16 });
    } finally {
      await clients.close();
      await strict.close();
    }
  });

  it("counts calls per REST method", async () => {
    await getExisting();
    await sdk.routes.list({ project }, { autoPaginate: false });
    expect(fake.control.calls.counts()).toEqual({ "routes.get": 1, "routes.list": 1 });
  });
});
