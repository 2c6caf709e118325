import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeWrites } from "./lab-control.js";
import { rescheduleVpnPod } from "./lab-move.js";
import { LabWorld } from "./lab-world.js";

/**
 * Scenario 4 of the dataplane lab: what a stale route costs and what the controller never does.
 * With the controller stopped, a moved VPN Pod is unreachable (the VPC still sends its CIDR to
 * the old node) although its clients have reconnected; a started controller repairs it; and while
 * the API server is down, nothing is rewritten or deleted and traffic keeps flowing.
 */
describe("dataplane lab: stale routes while the controller or the API server is away", () => {
  const world = new LabWorld();

  /** The ENI each route table sends the VPN CIDR to, as the router's kernel has it. */
  const routerTargets = async () =>
    Promise.all(
      world.nodes.map((n) =>
        world.lab.ip(
          world.ns.router,
          "route",
          "show",
          "10.8.0.0/24",
          "table",
          String(n.kernelTable),
        ),
      ),
    );

  beforeAll(async () => {
    await world.start();
    await world.proxy.firstOkAfter(Date.now());
  });

  afterAll(async () => {
    await world.destroy();
  });

  it("stops traffic when the Pod moves while the controller is stopped: routes point at the old node", async () => {
    await world.stopController();
    const { sliceWrittenAt } = await rescheduleVpnPod(world, world.node(3), 1);
    await world.client.connectedAfter(sliceWrittenAt);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(world.proxy.okSince(sliceWrittenAt)).toEqual([]);
    expect(world.proxy.failedSince(sliceWrittenAt).length).toBeGreaterThan(0);
    for (const shown of await routerTargets()) expect(shown).toContain(`via ${world.node(1).ipv4}`);
  });

  it("resumes traffic once the controller is started again", async () => {
    const startedAt = Date.now();
    world.startController();
    const answered = await world.proxy.firstOkAfter(startedAt, 30_000);
    expect(answered.peer).toBe(world.proxyPod.ipv4);
    for (const shown of await routerTargets()) expect(shown).toContain(`via ${world.node(3).ipv4}`);
  });

  it("writes and deletes nothing while the API server is down, and traffic keeps flowing", async () => {
    const controller = world.controller;
    if (controller === undefined) throw new Error("the lab has no controller");
    const downAt = Date.now();
    await world.restartApiServer(8_000);
    const backAt = Date.now();
    const writes = (await routeWrites(controller)).filter((w) => w.at >= downAt && w.at <= backAt);
    expect(writes).toEqual([]);
    const answeredWhileDown = world.proxy.okSince(downAt).filter((r) => r.at <= backAt);
    expect(answeredWhileDown.length).toBeGreaterThan(0);
    expect(world.proxy.failedSince(downAt).filter((r) => r.sent <= backAt)).toEqual([]);
    for (const shown of await routerTargets()) expect(shown).toContain(`via ${world.node(3).ipv4}`);
  }, 120_000);
});
