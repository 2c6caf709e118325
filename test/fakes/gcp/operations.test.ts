import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "./manual-clock.js";
import { failureOf, type SdkClients, sdkClients, startSeededFake } from "./sdk-harness.js";
import type { FakeCompute } from "./server.js";

const project = "test-project";
const clock = new ManualClock();
let fake: FakeCompute;
let sdk: SdkClients;
let counter = 0;

beforeAll(async () => {
  fake = await startSeededFake({ clock });
  sdk = sdkClients(fake);
});
afterAll(async () => {
  await sdk.close();
  await fake.close();
});
beforeEach(() => {
  // Real Compute Engine: writes take seconds, wait blocks for up to ~2 minutes.
  Object.assign(fake.control.timings, {
    pendingMs: 1_000,
    runningMs: 5_000,
    waitMaxMs: 120_000,
    waitPollMs: 500,
  });
});

async function startInsert(): Promise<string> {
  counter++;
  const [operation] = await sdk.routes.insert({
    project,
    routeResource: {
      name: `op-${counter}`,
      network: "global/networks/vpc",
      destRange: `10.20.${counter}.0/24`,
      nextHopIp: "10.0.0.9",
    },
  });
  return String(operation.latestResponse.name);
}

const statusOf = async (operation: string) =>
  (await sdk.operations.get({ project, operation }))[0].status;

describe("global operations through the real GlobalOperationsClient", () => {
  it("moves an operation from PENDING through RUNNING to DONE as time passes", async () => {
    const name = await startInsert();
    expect(await statusOf(name)).toBe("PENDING");
    clock.advance(1_000);
    expect(await statusOf(name)).toBe("RUNNING");
    expect(fake.control.routes().map((r) => r.name)).not.toContain(`op-${counter}`);
    clock.advance(5_000);
    const [done] = await sdk.operations.get({ project, operation: name });
    expect(done).toMatchObject({
      status: "DONE",
      progress: 100,
      operationType: "insert",
      user: expect.stringContaining("@"),
    });
    expect(Date.parse(String(done.endTime)) - Date.parse(String(done.insertTime))).toBe(6_000);
    expect(fake.control.routes().map((r) => r.name)).toContain(`op-${counter}`);
  });

  it("lets wait answer with a RUNNING operation when it outlasts the wait deadline", async () => {
    fake.control.timings.runningMs = 10 * 60_000;
    const name = await startInsert();
    const before = clock.monotonicMs();
    const [operation] = await sdk.operations.wait({ project, operation: name });
    expect(operation.status).toBe("RUNNING");
    expect(clock.monotonicMs() - before).toBe(120_000);
  });

  it("answers wait as soon as the operation is DONE", async () => {
    const name = await startInsert();
    const before = clock.monotonicMs();
    const [operation] = await sdk.operations.wait({ project, operation: name });
    expect(operation.status).toBe("DONE");
    expect(clock.monotonicMs() - before).toBe(6_000);
  });

  it("answers 404 notFound for an unknown operation", async () => {
    const failure = await failureOf(() =>
      sdk.operations.get({ project, operation: "operation-0-missing" }),
    );
    expect(failure).toMatchObject({ httpStatusCode: 404, code: 5, errorsReason: "notFound" });
  });

  it("finds an operation by its numeric id as well as by name", async () => {
    const name = await startInsert();
    const byName = fake.control.operations().find((o) => o.name === name);
    const [operation] = await sdk.operations.get({ project, operation: String(byName?.id) });
    expect(operation.name).toBe(name);
  });
});
