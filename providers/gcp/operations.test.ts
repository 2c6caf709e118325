import { describe, expect, it } from "vitest";
import { NotFoundError, PermanentError, TransientError } from "../../src/errors.js";
import { ManualClock } from "../../test/fakes/gcp/manual-clock.js";
import { awaitOperation } from "./operations.js";
import type { GcpOperation, GcpPort } from "./port.js";

const op = (status: GcpOperation["status"], errors: GcpOperation["errors"] = []): GcpOperation => ({
  name: "operation-1",
  status,
  operationType: "insert",
  targetLink: "https://x/routes/r",
  errors,
  httpErrorStatusCode: errors.length > 0 ? 404 : undefined,
});

/** A port that answers wait/get from scripts and records what was asked; nothing else is used. */
function scriptedPort(
  clock: ManualClock,
  script: { wait: (() => GcpOperation)[]; get?: (() => GcpOperation)[]; waitTakesMs?: number },
) {
  const asked: string[] = [];
  const next = (list: (() => GcpOperation)[] | undefined, what: string) => {
    const step = list?.shift();
    if (!step) throw new Error(`unexpected ${what}`);
    return step();
  };
  const unused = () => Promise.reject(new Error("not used"));
  const port: GcpPort = {
    waitOperation: async (_p, _n, timeoutMs) => {
      asked.push(`wait ${timeoutMs}`);
      clock.advance(Math.min(script.waitTakesMs ?? 0, timeoutMs));
      return next(script.wait, "wait");
    },
    getOperation: async () => {
      asked.push("get");
      return next(script.get, "get");
    },
    listRoutes: unused,
    insertRoute: unused,
    deleteRoute: unused,
    getRoute: unused,
    getInstance: unused,
    getNetwork: unused,
    listSubnetworks: unused,
  };
  return { port, asked };
}

const settings = (clock: ManualClock) => ({
  clock,
  timeoutMs: 10_000,
  pollIntervalMs: 1_000,
  waitCallMs: 4_000,
});

describe("waiting for a global operation", () => {
  it("loops while wait answers before DONE, pausing when it answers at once", async () => {
    const clock = new ManualClock(0);
    const { port, asked } = scriptedPort(clock, {
      wait: [() => op("RUNNING"), () => op("RUNNING"), () => op("DONE")],
    });
    await expect(
      awaitOperation(port, "p", op("PENDING"), "insert route r", settings(clock)),
    ).resolves.toMatchObject({ status: "DONE" });
    expect(asked).toEqual(["wait 4000", "wait 4000", "wait 4000"]);
    expect(clock.monotonicMs()).toBe(2_000);
  });

  it("does not pause when wait itself blocked for a while", async () => {
    const clock = new ManualClock(0);
    const { port } = scriptedPort(clock, {
      wait: [() => op("RUNNING"), () => op("DONE")],
      waitTakesMs: 4_000,
    });
    await awaitOperation(port, "p", op("PENDING"), "insert route r", settings(clock));
    expect(clock.monotonicMs()).toBe(8_000);
  });

  it("reads the operation with get after a retryable wait failure", async () => {
    const clock = new ManualClock(0);
    const failing = () => {
      throw new TransientError("wait failed");
    };
    const { port, asked } = scriptedPort(clock, {
      wait: [failing, () => op("DONE")],
      get: [() => op("RUNNING")],
    });
    await awaitOperation(port, "p", op("PENDING"), "insert route r", settings(clock));
    expect(asked).toEqual(["wait 4000", "get", "wait 4000"]);
  });

  it("gives up with a TransientError naming the operation after the budget", async () => {
    const clock = new ManualClock(0);
    const { port } = scriptedPort(clock, {
      wait: Array.from({ length: 10 }, () => () => op("RUNNING")),
      waitTakesMs: 4_000,
    });
    const error = await awaitOperation(
      port,
      "p",
      op("PENDING"),
      "insert route r",
      settings(clock),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain(
      "insert route r: operation operation-1 is still RUNNING after 10000 ms",
    );
  });

  it("bounds the last wait call by what is left of the budget", async () => {
    const clock = new ManualClock(0);
    const { port, asked } = scriptedPort(clock, {
      wait: [() => op("RUNNING"), () => op("RUNNING"), () => op("DONE")],
      waitTakesMs: 4_000,
    });
    await awaitOperation(port, "p", op("PENDING"), "insert route r", settings(clock));
    expect(asked).toEqual(["wait 4000", "wait 4000", "wait 2000"]);
  });

  it("stops on a permanent failure at once", async () => {
    const clock = new ManualClock(0);
    const { port } = scriptedPort(clock, {
      wait: [
        () => {
          throw new PermanentError("forbidden");
        },
      ],
    });
    await expect(
      awaitOperation(port, "p", op("PENDING"), "insert route r", settings(clock)),
    ).rejects.toThrow(PermanentError);
  });

  it("turns a DONE operation with errors into its typed error", async () => {
    const clock = new ManualClock(0);
    const { port } = scriptedPort(clock, {
      wait: [() => op("DONE", [{ code: "RESOURCE_NOT_FOUND", message: "instance gone" }])],
    });
    await expect(
      awaitOperation(port, "p", op("PENDING"), "insert route r", settings(clock)),
    ).rejects.toThrow(NotFoundError);
  });
});
