import { describe, expect, it } from "vitest";
import type { Clock } from "../clock.js";
import { silentLogger } from "../observability/logger.js";
import { CoalescingQueue } from "../reconciler/queue.js";
import { agentResyncKey, runNodeLoop } from "./loop.js";
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
    expect(batches[0]).toEqual([agentResyncKey, "vpn/openvpn"].sort());
    expect(batches[1]).toEqual(batches[0]);
    expect(batches[2]).toEqual(batches[0]);
  });
});
