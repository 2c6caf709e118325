import { describe, expect, it } from "vitest";
import { storyScenarios } from "../harness/story-fixture.js";

const story = storyScenarios("life");
const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };

describe("user story: the VPN Service and its Node go away (real control plane)", () => {
  it("withdraws the routes when the annotation is removed, restores them when it returns, and withdraws them when the Service is deleted", async () => {
    const s = await story();
    await s.deployVpn(cidrs);
    const [first] = await s.readyOn(1);
    if (first === undefined) throw new Error("no ready VPN Pod");
    await s.startController();
    await s.routesConverge(s.node(first).eniId);
    await s.setServiceAnnotations("openvpn", {});
    await s.routesConverge(undefined);
    await s.setServiceAnnotations("openvpn", cidrs);
    await s.routesConverge(s.node(first).eniId);
    await s.objects.deleteService(s.namespace, "openvpn");
    await s.routesConverge(undefined);
    // The Deployment still runs: only the Service's request for routes went away.
    expect(await s.readyOn(1)).toEqual([first]);
  });

  it("moves to the other ready Pod when the hosting Node is deleted: the EndpointSlice controller drops its endpoints", {
    timeout: 150_000,
  }, async () => {
    const s = await story();
    await s.deployVpn(cidrs, { replicas: 2, onePerNode: true });
    const ready = await s.readyOn(2);
    await s.startController();
    const hosting = await s.routedNode();
    const other = ready.find((i) => i !== hosting);
    if (other === undefined) throw new Error("no second ready Pod");

    const mark = s.calls.writes().length;
    const watch = s.watchRoutes();
    const deletedAt = performance.now();
    await s.workloads.core.deleteNode({ name: s.node(hosting).name });
    // The EndpointSlice controller skips Pods whose Node does not exist, so the slice stops
    // naming the deleted Node long before the Pod garbage collector removes the Pod itself.
    await s.eventually(async () => {
      const named = (await s.slices()).flatMap((i) => i.endpoints ?? []).map((e) => e.nodeName);
      return !named.includes(s.node(hosting).name);
    }, "the EndpointSlice no longer names the deleted Node");
    await s.routesConverge(s.node(other).eniId, "10.8.0.0/24", 120_000);
    process.stderr.write(
      `[story] Node deleted -> routes on the other ready Pod's node: ${Math.round(performance.now() - deletedAt)} ms\n`,
    );
    expect(s.moveSummary(await watch.stop(), mark)).toEqual(s.oneMoveTo(other));
  });
});
