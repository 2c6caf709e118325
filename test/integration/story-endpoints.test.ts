import { describe, expect, it } from "vitest";
import { maxEndpointsPerSlice } from "../harness/control-plane-components.js";
import { storyScenarios } from "../harness/story-fixture.js";

const story = storyScenarios("eps");
const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };

describe("user story: a VPN Service whose endpoints span several EndpointSlices (real control plane)", () => {
  it("reads every slice, moves off a drained node with one write per table, and keeps routing while slices are deleted", {
    timeout: 120_000,
  }, async () => {
    const replicas = 12;
    const s = await story();
    await s.deployVpn(cidrs, { replicas });
    await s.readyOn(replicas, { timeoutMs: 60_000 });
    await s.eventually(
      async () => (await s.slices()).length === Math.ceil(replicas / maxEndpointsPerSlice),
      "the EndpointSlice controller split the endpoints over several slices",
    );
    const c = await s.startController();
    const hosting = await s.routedNode();
    expect(await s.readyOn(replicas)).toContain(hosting);

    const mark = s.calls.writes().length;
    const watch = s.watchRoutes();
    await s.workloads.cordon(s.node(hosting).name);
    await s.workloads.evictPodsOn(s.node(hosting).name, s.namespace);
    let after: number[] = [];
    await s.eventually(async () => {
      const pods = await s.workloads.pods(s.namespace, "openvpn");
      after = await s.readyOn(replicas);
      return pods.length === replicas && !after.includes(hosting);
    }, "the evicted Pods are gone and replaced on the other nodes");
    const next = await s.routedNode(hosting);
    expect(after).toContain(next);
    expect(s.moveSummary(await watch.stop(), mark)).toEqual(s.oneMoveTo(next));

    // Scaling down empties and deletes slices; the route stays on a node with a ready Pod, no gap.
    const before = (await s.slices()).length;
    const watchDown = s.watchRoutes();
    await s.workloads.scale(s.namespace, "openvpn", 2);
    await s.eventually(async () => {
      const left = await s.slices();
      const endpoints = left.flatMap((slice) => slice.endpoints ?? []);
      return left.length < before && endpoints.length === 2;
    }, "the scaled-down Pods are gone and empty slices deleted");
    const survivors = await s.readyOn(2);
    const target = c.passes.length + 2;
    await s.eventually(() => c.passes.length >= target, "two more controller passes");
    const targets = await s.routes();
    expect(survivors.map((i) => s.node(i).eniId)).toContain(targets[0]);
    expect(targets.every((t) => t === targets[0])).toBe(true);
    expect(s.moveSummary(await watchDown.stop(), s.calls.writes().length).gaps).toBe(0);
  });
});
