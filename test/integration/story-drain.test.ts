import { describe, expect, it } from "vitest";
import { storyScenarios } from "../harness/story-fixture.js";

const story = storyScenarios("drain");

const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };

describe("user story: install, then drain the node hosting the VPN server (real control plane)", () => {
  it("programs every table at install, then follows a kubectl drain with one write per table and no gap", async () => {
    const s = await story();
    await s.deployVpn(cidrs, { gracePeriodSeconds: 2 });
    const [first] = await s.readyOn(1);
    if (first === undefined) throw new Error("no ready VPN Pod");
    await s.startController();
    await s.routesConverge(s.node(first).eniId);
    await s.eventually(
      async () => (await s.eventReasons("openvpn")).some((e) => e.startsWith("RoutesProgrammed")),
      "a RoutesProgrammed Event",
    );

    const mark = s.calls.writes().length;
    const watch = s.watchRoutes();
    const second = await s.drain(first);
    expect(second).not.toBe(first);
    await s.routesConverge(s.node(second).eniId);
    const samples = await watch.stop();

    expect(s.moveSummary(samples, mark)).toEqual(s.oneMoveTo(second));
  });
});
