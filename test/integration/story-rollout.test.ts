import { describe, expect, it } from "vitest";
import { storyScenarios } from "../harness/story-fixture.js";

const story = storyScenarios("roll");
const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };

describe("user story: rolling updates and scaling of the VPN Deployment (real control plane)", () => {
  it.each([
    ["with a surge (maxSurge 1, maxUnavailable 0)", true],
    ["without a surge (maxSurge 0, maxUnavailable 1)", false],
  ])(
    "follows a rolling update %s to the new Pod's node: one write per table, no gap",
    async (_, surge) => {
      const s = await story();
      await s.deployVpn(cidrs, { surge, onePerNode: true });
      const [first] = await s.readyOn(1);
      if (first === undefined) throw new Error("no ready VPN Pod");
      await s.startController();
      await s.routesConverge(s.node(first).eniId);
      const before = new Set(
        (await s.workloads.pods(s.namespace, "openvpn")).map((p) => p.metadata?.name),
      );

      const mark = s.calls.writes().length;
      const watch = s.watchRoutes();
      await s.workloads.restartRollout(s.namespace, "openvpn", new Date().toISOString());
      await s.eventually(async () => {
        const pods = await s.workloads.pods(s.namespace, "openvpn");
        return pods.length === 1 && !before.has(pods[0]?.metadata?.name);
      }, "the rollout replaced the Pod and the old one is gone");
      const [second] = await s.readyOn(1);
      if (second === undefined) throw new Error("no ready VPN Pod after the rollout");
      // One Pod per node: the new Pod cannot share the old Pod's node while that one exists.
      expect(second).not.toBe(first);
      await s.routesConverge(s.node(second).eniId);
      expect(s.moveSummary(await watch.stop(), mark)).toEqual(s.oneMoveTo(second));
    },
  );

  it("stays on the first node while scaling 1 -> 2 and follows the survivor at 2 -> 1, without flapping", async () => {
    const s = await story();
    await s.deployVpn(cidrs, { onePerNode: true });
    const [first] = await s.readyOn(1);
    if (first === undefined) throw new Error("no ready VPN Pod");
    const c = await s.startController();
    await s.routesConverge(s.node(first).eniId);
    const passes = async (n: number) => {
      const target = c.passes.length + n;
      await s.eventually(() => c.passes.length >= target, `${n} more controller passes`);
    };

    const mark = s.calls.writes().length;
    const watch = s.watchRoutes();
    await s.workloads.scale(s.namespace, "openvpn", 2);
    expect(await s.readyOn(2)).toContain(first);
    await passes(2);
    expect(await s.routes()).toEqual(s.vpc.routeTableIds.map(() => s.node(first).eniId));
    expect(s.writesSince(mark)).toEqual([]);

    await s.workloads.scale(s.namespace, "openvpn", 1);
    await s.eventually(
      async () => (await s.workloads.pods(s.namespace, "openvpn")).length === 1,
      "the scaled-down Pod is gone",
    );
    const [survivor] = await s.readyOn(1);
    if (survivor === undefined) throw new Error("no ready VPN Pod after scaling down");
    await s.routesConverge(s.node(survivor).eniId);
    await passes(2);
    const summary = s.moveSummary(await watch.stop(), mark);
    if (survivor === first) {
      expect(summary).toEqual({ gaps: 0, changesPerTable: [0, 0, 0], writes: [] });
    } else {
      expect(summary).toEqual(s.oneMoveTo(survivor));
    }
  });
});
