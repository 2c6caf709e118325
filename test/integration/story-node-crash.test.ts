import { describe, expect, it } from "vitest";
import { nodeMonitorGracePeriodSeconds } from "../harness/control-plane-components.js";
import { storyScenarios } from "../harness/story-fixture.js";

const story = storyScenarios("crash");
const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };

describe("user story: the node hosting the VPN server crashes (real control plane)", () => {
  it("keeps the route through NotReady, follows the replacement Pod after the eviction, and ignores the Pod stuck Terminating", {
    timeout: 120_000,
  }, async () => {
    // Every node has a kwok of its own, so the hosting node's "kubelet" can be killed.
    const s = await story({ ownKwokNodes: [0, 1, 2] });
    await s.deployVpn(cidrs, { tolerationSeconds: 2, onePerNode: true });
    const [first] = await s.readyOn(1);
    if (first === undefined) throw new Error("no ready VPN Pod");
    const c = await s.startController();
    await s.routesConverge(s.node(first).eniId);
    const [crashedPod] = await s.workloads.pods(s.namespace, "openvpn");

    const mark = s.calls.writes().length;
    const watch = s.watchRoutes();
    await s.crashNode(s.node(first).name);
    const graceMs = (nodeMonitorGracePeriodSeconds + 30) * 1_000;
    const [second] = await s.readyOn(1, {
      timeoutMs: graceMs,
      except: [crashedPod?.metadata?.name],
    });
    if (second === undefined) throw new Error("no replacement VPN Pod");
    expect(second).not.toBe(first);
    await s.routesConverge(s.node(second).eniId);

    // The evicted Pod is still there, Terminating on the dead node: nobody can confirm it stopped.
    const stuck = (await s.workloads.pods(s.namespace, "openvpn")).find(
      (p) => p.metadata?.name === crashedPod?.metadata?.name,
    );
    expect(stuck?.metadata?.deletionTimestamp).toBeDefined();
    expect(stuck?.spec?.nodeName).toBe(s.node(first).name);
    const dead = await s.workloads.core.readNode({ name: s.node(first).name });
    expect(dead.status?.conditions?.find((cond) => cond.type === "Ready")?.status).toBe("Unknown");
    const target = c.passes.length + 2;
    await s.eventually(() => c.passes.length >= target, "two more controller passes");
    expect(s.moveSummary(await watch.stop(), mark)).toEqual(s.oneMoveTo(second));
  });
});
