import { describe, expect, it } from "vitest";
import { fakeReconciler } from "../../test/unit/fixtures/reconciler.js";
import { TransientError } from "../errors.js";
import { runReconcileLoop } from "./loop.js";
import { CoalescingQueue } from "./queue.js";
import type { PassResult } from "./reconcile.js";

const vpn = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };
const at = (node: string) => [
  { address: "10.244.1.5", nodeName: node, ready: true, terminating: false },
];

/** Runs the loop until `stopAfter` says so, returning every pass result and the clock's sleeps. */
async function runUntil(
  r: ReturnType<typeof fakeReconciler>,
  stopAfter: (results: PassResult[]) => boolean,
): Promise<PassResult[]> {
  const controller = new AbortController();
  const results: PassResult[] = [];
  const queue = new CoalescingQueue(() => r.clock.monotonicMs());
  await runReconcileLoop(
    { ...r.deps, signal: controller.signal },
    {
      queue,
      resyncIntervalMs: 60_000,
      mayReconcile: () => true,
      onPass: (result) => {
        results.push(result);
        if (stopAfter(results)) controller.abort();
      },
      random: () => 0.5,
    },
    controller.signal,
  );
  return results;
}

describe("runReconcileLoop", () => {
  it("looks again every second while the caches are not live, without backing off", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    r.cluster.live = false;
    const results = await runUntil(r, (rs) => {
      if (rs.length === 6) r.cluster.live = true;
      return rs.at(-1)?.status === "success";
    });
    expect(results.map((p) => p.status)).toEqual([...Array(6).fill("skipped"), "success"]);
    expect(r.clock.sleeps).toEqual(Array(6).fill(1_000));
    expect(r.provider.routeOf("rtb-1", "10.8.0.0/24")?.targetId).toBe("eni-a");
  });

  it("backs off exponentially after failed passes and resets after a success", async () => {
    const r = fakeReconciler({ retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 } });
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    let failures = 4;
    const original = r.provider.applyWrite.bind(r.provider);
    r.provider.applyWrite = async (w) => {
      if (failures > 0) throw new TransientError("the cloud is down");
      return original(w);
    };
    const results = await runUntil(r, (rs) => {
      if (rs.at(-1)?.status === "error") failures--;
      return rs.at(-1)?.status === "success";
    });
    expect(results.map((p) => p.status)).toEqual(["error", "error", "error", "error", "success"]);
    // base 500 ms doubling, delay = base/2 + random * base/2 with random 0.5
    expect(r.clock.sleeps).toEqual([375, 750, 1_500, 3_000]);
  });

  it("retries at the first step, not a longer one, after a failed pass that applied some writes", async () => {
    const r = fakeReconciler({ retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 } });
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    // Each pass may apply one write; the others fail: three passes move the three tables.
    let allowed = 1;
    const original = r.provider.applyWrite.bind(r.provider);
    r.provider.applyWrite = async (w) => {
      if (allowed-- <= 0) throw new TransientError("throttled");
      return original(w);
    };
    const results = await runUntil(r, (rs) => {
      allowed = 1;
      return rs.at(-1)?.status === "success";
    });
    expect(results.map((p) => p.status)).toEqual(["error", "error", "success"]);
    expect(results.map((p) => p.results.filter((x) => x.outcome === "applied").length)).toEqual([
      1, 1, 1,
    ]);
    expect(r.clock.sleeps).toEqual([375, 375]);
    for (const table of ["rtb-1", "rtb-2", "rtb-3"])
      expect(r.provider.routeOf(table, "10.8.0.0/24")?.targetId).toBe("eni-a");
  });
});
