import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../test/unit/fixtures/clock.js";
import { fakeReconciler } from "../../test/unit/fixtures/reconciler.js";
import { NotFoundError, PermanentError, ThrottledError, TransientError } from "../errors.js";
import { NodeDirectory } from "../kube/nodes.js";
import { reconcilePass } from "./reconcile.js";
import { WithdrawGate } from "./withdraw-gate.js";

const vpn = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };
const at = (node: string) => [
  { address: "10.244.1.5", nodeName: node, ready: true, terminating: false },
];
const batch = new Map([["vpn/openvpn", 0]]);

describe("reconcilePass", () => {
  it("routes every managed table to the hosting node and reports RoutesProgrammed", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    const result = await reconcilePass(r.deps, batch);
    expect(result.status).toBe("success");
    for (const t of ["rtb-1", "rtb-2", "rtb-3"])
      expect(r.provider.routeOf(t, "10.8.0.0/24")?.targetId).toBe("eni-a");
    expect(r.conditions.at(-1)).toMatchObject({ status: "True", reason: "RoutesProgrammed" });
    expect(r.events.map((e) => e.reason)).toContain("RoutesProgrammed");
  });

  it("withdraws on-no-endpoint=withdraw routes only after the grace, not on a drain's transient state", async () => {
    const clock = new VirtualClock();
    const r = fakeReconciler({ clock, withdrawGate: new WithdrawGate(5_000, clock) });
    const withdraw = { ...vpn, "vpc-route-sync.io/on-no-endpoint": "withdraw" };
    r.cluster.addService("vpn/openvpn", withdraw, at("node-a"));
    await reconcilePass(r.deps, batch);
    expect(r.provider.writeCount()).toBe(3);
    const draining = [{ ...at("node-a")[0], ready: false, serving: true, terminating: true }];
    r.cluster.addService("vpn/openvpn", withdraw, draining as never);
    await reconcilePass(r.deps, batch);
    r.cluster.addService("vpn/openvpn", withdraw, []);
    const held = await reconcilePass(r.deps, batch);
    expect(held.recheckInMs).toBe(5_000);
    expect(r.provider.routeOf("rtb-1", "10.8.0.0/24")?.targetId).toBe("eni-a");
    expect(r.events.map((e) => e.message).join("\n")).toContain("withdrawing routes in 5 s");
    clock.advance(5_000);
    await reconcilePass(r.deps, batch);
    expect(r.provider.routeOf("rtb-1", "10.8.0.0/24")).toBeUndefined();
  });

  it("moves off an endpoint whose Node was deleted, and says why", async () => {
    const clock = new VirtualClock();
    const deleted = new Set<string>();
    const nodes = new NodeDirectory(async (name) => {
      if (deleted.has(name)) throw new NotFoundError(`nodes "${name}" not found`);
      return { name, providerId: `fake://${name}`, internalIps: ["172.31.0.9"] };
    }, clock);
    const r = fakeReconciler({ clock, nodes });
    const both = [...at("node-a"), { ...at("node-b")[0], address: "10.244.2.5" }] as never;
    r.cluster.addService("vpn/openvpn", vpn, both);
    await reconcilePass(r.deps, batch);
    expect(r.provider.routeOf("rtb-1", "10.8.0.0/24")?.targetId).toBe("eni-a");
    deleted.add("node-a");
    nodes.forget("node-a");
    await reconcilePass(r.deps, batch);
    for (const t of ["rtb-1", "rtb-2", "rtb-3"])
      expect(r.provider.routeOf(t, "10.8.0.0/24")?.targetId).toBe("eni-b");
    expect(r.events.map((e) => e.reason)).toContain("EndpointNodeMissing");
  });

  it("makes no cloud call at all while the caches are not synced", async () => {
    const r = fakeReconciler();
    r.cluster.synced = false;
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    expect((await reconcilePass(r.deps, batch)).status).toBe("skipped");
    expect(r.provider.calls).toEqual([]);
  });

  it("makes no cloud call while the API server is unreachable", async () => {
    const r = fakeReconciler();
    r.cluster.live = false;
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    expect((await reconcilePass(r.deps, batch)).status).toBe("skipped");
    expect(r.provider.calls).toEqual([]);
  });

  it("never writes in dry-run and says what it would do", async () => {
    const r = fakeReconciler({ dryRun: true });
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    await reconcilePass(r.deps, batch);
    expect(r.provider.writeCount()).toBe(0);
    expect(r.events.find((e) => e.reason === "DryRun")?.message).toContain(
      "would have created 10.8.0.0/24",
    );
    expect((await r.deps.metrics.drift.get()).values[0]?.value).toBe(3);
  });

  it("does not write when it is not the leader", async () => {
    const r = fakeReconciler();
    r.setLeader(false);
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    await reconcilePass(r.deps, batch);
    expect(r.provider.writeCount()).toBe(0);
  });

  it("keeps going past a route table that fails and reports the failure", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    const original = r.provider.applyWrite.bind(r.provider);
    r.provider.applyWrite = async (w) => {
      if (w.table === "rtb-2") throw new TransientError("rtb-2 is on fire");
      return original(w);
    };
    const result = await reconcilePass(r.deps, batch);
    expect(result.status).toBe("error");
    expect(r.provider.routeOf("rtb-1", "10.8.0.0/24")).toBeDefined();
    expect(r.provider.routeOf("rtb-3", "10.8.0.0/24")).toBeDefined();
    expect(r.events.find((e) => e.reason === "RouteWriteFailed")?.message).toContain(
      "rtb-2 is on fire",
    );
    expect(r.conditions.at(-1)).toMatchObject({ status: "False", reason: "RouteWriteFailed" });
  });

  it("retries a throttled write after the delay the cloud asked for", async () => {
    const r = fakeReconciler();
    r.cluster.addService(
      "vpn/openvpn",
      { ...vpn, "vpc-route-sync.io/route-tables": "rtb-1" },
      at("node-a"),
    );
    let failures = 1;
    const original = r.provider.applyWrite.bind(r.provider);
    r.provider.applyWrite = async (w) => {
      if (failures-- > 0) throw new ThrottledError("slow down", { retryAfterMs: 1500 });
      return original(w);
    };
    expect((await reconcilePass(r.deps, batch)).status).toBe("success");
    expect(r.clock.sleeps).toContain(1500);
  });

  it("retries a throttled read of the route tables instead of failing the pass", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    let failures = 2;
    const original = r.provider.listTables.bind(r.provider);
    r.provider.listTables = async () => {
      if (failures-- > 0) throw new ThrottledError("Request limit exceeded", { retryAfterMs: 700 });
      return original();
    };
    expect((await reconcilePass(r.deps, batch)).status).toBe("success");
    expect(r.clock.sleeps.filter((ms) => ms === 700)).toHaveLength(2);
    expect(r.provider.routeOf("rtb-1", "10.8.0.0/24")?.targetId).toBe("eni-a");
  });

  it("fails the pass at once on a read error that retrying cannot fix", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    let calls = 0;
    r.provider.listTables = async () => {
      calls++;
      throw new PermanentError("UnauthorizedOperation: ec2:DescribeRouteTables");
    };
    expect((await reconcilePass(r.deps, batch)).status).toBe("error");
    expect(calls).toBe(1);
    expect(r.provider.writeCount()).toBe(0);
  });

  it("reports ForwardingDisabled when the target does not forward", async () => {
    const r = fakeReconciler();
    const node = r.provider.nodes.get("node-b");
    if (node) node.forwarding = false;
    r.cluster.addService("vpn/openvpn", vpn, at("node-b"));
    await reconcilePass(r.deps, batch);
    expect(r.events.map((e) => e.reason)).toContain("ForwardingDisabled");
  });

  it("turns forwarding on for a node the routes already point at, not only on a write", async () => {
    const r = fakeReconciler({ manageForwarding: true });
    r.cluster.addService("vpn/openvpn", vpn, at("node-b"));
    await reconcilePass(r.deps, batch);
    const node = r.provider.nodes.get("node-b");
    if (node) node.forwarding = false;
    const writes = r.provider.writeCount();
    await reconcilePass(r.deps, batch);
    expect(r.provider.writeCount()).toBe(writes);
    expect(r.provider.nodes.get("node-b")?.forwarding).toBe(true);
  });

  it("refuses an invalid annotation with an Event and leaves existing routes alone", async () => {
    const r = fakeReconciler();
    r.provider.putRoute("rtb-1", "10.8.0.0/24", "eni-a", {
      clusterId: "c1",
      service: "vpn/openvpn",
    });
    r.cluster.addService("vpn/openvpn", { "vpc-route-sync.io/cidrs": "10.8.0.1/24" }, at("node-b"));
    await reconcilePass(r.deps, batch);
    expect(r.provider.writeCount()).toBe(0);
    expect(r.provider.routeOf("rtb-1", "10.8.0.0/24")?.targetId).toBe("eni-a");
    expect(r.events.find((e) => e.reason === "InvalidAnnotation")?.message).toContain(
      "10.8.0.0/24",
    );
  });

  it("writes each table's routes one at a time", async () => {
    const r = fakeReconciler();
    r.cluster.addService(
      "vpn/openvpn",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24, 10.8.1.0/24, 10.8.2.0/24" },
      at("node-a"),
    );
    const inFlight = new Map<string, number>();
    let worst = 0;
    const original = r.provider.applyWrite.bind(r.provider);
    r.provider.applyWrite = async (w) => {
      inFlight.set(w.table, (inFlight.get(w.table) ?? 0) + 1);
      worst = Math.max(worst, inFlight.get(w.table) ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight.set(w.table, (inFlight.get(w.table) ?? 1) - 1);
      return original(w);
    };
    await reconcilePass(r.deps, batch);
    expect(r.provider.writeCount()).toBe(9);
    expect(worst).toBe(1);
  });

  it("makes no writes in steady state", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-a"));
    await reconcilePass(r.deps, batch);
    const writes = r.provider.writeCount();
    await reconcilePass(r.deps, batch);
    expect(r.provider.writeCount()).toBe(writes);
  });
});
