import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MoveTimeline, moveVpnPod } from "./lab-move.js";
import { formatMove, formatSummary } from "./lab-timeline.js";
import { LabWorld } from "./lab-world.js";

/**
 * Scenario 2 of the dataplane lab: the VPN Pod moves between node 1 and node 3 ten times (the
 * proxy stays on node 2, so every request crosses the VPC router). After each move the proxy's
 * requests are answered again, by the device through the new Pod, and the timeline of the move
 * is printed; `npm run lab` prints the same timeline and keeps the results.
 */
describe("dataplane lab: requests resume after every move of the VPN Pod", () => {
  const world = new LabWorld();
  const moves: MoveTimeline[] = [];

  beforeAll(async () => {
    await world.start();
    await world.proxy.firstOkAfter(Date.now());
  });

  afterAll(async () => {
    await world.destroy();
  });

  it("answers again after each of ten moves, with routes, router and hop on the new node", async () => {
    for (let move = 1; move <= 10; move++) {
      const to = world.node(move % 2 === 1 ? 3 : 1);
      const timeline = await moveVpnPod(world, to, move);
      moves.push(timeline);
      process.stderr.write(`${formatMove(timeline)}\n`);
      expect(timeline.to).toBe(to.name);
      const shown = await world.lab.ip(to.ns, "route", "show", "10.8.0.0/24");
      expect(shown).toContain(`via ${world.vpn.ip}`);
      const answered = await world.proxy.firstOkAfter(timeline.firstOkAt);
      expect(answered.peer).toBe(world.proxyPod.ipv4);
    }
    process.stderr.write(`${formatSummary(moves)}\n`);
    expect(moves.every((m) => m.firstOkAt > m.lastOkAt)).toBe(true);
  }, 600_000);
});
