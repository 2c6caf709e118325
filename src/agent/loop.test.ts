import { describe, expect, it } from "vitest";
import type { Clock } from "../clock.js";
import { resyncKey } from "../domain/service.js";
import { silentLogger } from "../observability/logger.js";
import { CoalescingQueue } from "../reconciler/queue.js";
import { runNodeLoop } from "./loop.js";
import { createAgentMetrics } from "./metrics.js";
import type { AgentPassResult } from "./reconcile.js";

const instantClock: Clock = {
  monotonicMs: () => performance.now(),
  wallNow: () => new Date(),
  sleep: () => new Promise((resolve) => setImmediate(resolve)),
};

describe("runNodeLoop", () => {
  it("waits for the caches, retries a failed pass with its keys, and stops on abort", async () => {
    const queue = new CoalescingQueue(() => performance.now());
    const stop = new AbortController();
    const batches: string[][] = [];
    const statuses: AgentPassResult["status"][] = ["error", "skipped", "success"];
    let synced = false;
    const taken: string[] = [];
    const spying = {
      add: (key: string, at?: number) => queue.add(key, at),
      takeAll: async (signal: AbortSignal) => {
        const batch = await queue.takeAll(signal);
        taken.push(...batch.keys());
        batches.push([...batch.keys()].sort());
        return batch;
      },
    };
    const loop = runNodeLoop(
      {
        cluster: { hasSynced: () => synced },
        reconciler: {
          reconcile: async () => {
            const status = statuses.shift() ?? "success";
            if (statuses.length === 0 && status === "success") setTimeout(() => stop.abort(), 0);
            if (status === "error") throw new Error("ip: command not found");
            return { status, steps: [], masquerade: [] };
          },
        },
        queue: spying,
        clock: instantClock,
        logger: silentLogger(),
        metrics: createAgentMetrics({ defaultMetrics: false }),
        resyncIntervalMs: 60_000,
      },
      stop.signal,
    );
    queue.add("vpn/openvpn");
    await new Promise((r) => setTimeout(r, 20));
    expect(taken).toEqual([]);
    synced = true;
    await loop;
    expect(batches[0]).toEqual([resyncKey, "vpn/openvpn"].sort());
    expect(batches[1]).toEqual(batches[0]);
    expect(batches[2]).toEqual(batches[0]);
  });
});

describe("runNodeLoop retry policy (the controller's)", () => {
  /** Runs passes with the given outcomes and records every wait the loop asked for. */
  async function waitsFor(results: AgentPassResult[]): Promise<number[]> {
    const queue = new CoalescingQueue(() => performance.now());
    const stop = new AbortController();
    const waits: number[] = [];
    const clock: Clock = {
      ...instantClock,
      sleep: (ms) => {
        if (ms !== 100) waits.push(ms);
        return new Promise((resolve) => setImmediate(resolve));
      },
    };
    await runNodeLoop(
      {
        cluster: { hasSynced: () => true },
        reconciler: {
          reconcile: async () => {
            const next = results.shift() ?? { status: "success", steps: [], masquerade: [] };
            if (results.length === 0) setTimeout(() => stop.abort(), 0);
            return next;
          },
        },
        queue,
        clock,
        logger: silentLogger(),
        metrics: createAgentMetrics({ defaultMetrics: false }),
        resyncIntervalMs: 60_000,
        backoff: { initialMs: 300, maxMs: 10_000 },
        random: () => 1,
      },
      stop.signal,
    );
    return waits;
  }
  const failed = (applied: boolean): AgentPassResult => ({
    status: "error",
    masquerade: [],
    steps: applied
      ? [{ step: { kind: "replace" } as never, outcome: "applied" }]
      : [{ step: { kind: "replace" } as never, outcome: "failed" }],
  });

  it("retries a skipped pass after a second, without backing off", async () => {
    const skipped: AgentPassResult = { status: "skipped", steps: [], masquerade: [] };
    expect(await waitsFor([skipped, skipped, skipped])).toEqual([1_000, 1_000, 1_000]);
  });

  it("backs off only while passes change nothing; progress restarts at the first step", async () => {
    expect(await waitsFor([failed(false), failed(false), failed(true), failed(false)])).toEqual([
      300, 600, 300, 600,
    ]);
  });
});
