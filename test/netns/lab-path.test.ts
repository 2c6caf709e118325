import { DescribeRouteTablesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LabWorld } from "./lab-world.js";

/**
 * Scenario 1 of the dataplane lab: a proxy Pod on node 2 reaches a device behind a real OpenVPN
 * server Pod on node 1, through the VPC route the controller wrote in LocalStack and the
 * simulated VPC router programmed from it.
 */
describe("dataplane lab: the proxy Pod reaches the device through the VPC route", () => {
  const world = new LabWorld();

  beforeAll(async () => {
    await world.start();
  });

  afterAll(async () => {
    await world.destroy();
  });

  it("answers requests from the proxy Pod through every hop the controller and agent programmed", async () => {
    const since = Date.now();
    const answered = await world.proxy.firstOkAfter(since);
    expect(answered.peer).toBe(world.proxyPod.ipv4);
    const tables = await world.ec2.send(
      new DescribeRouteTablesCommand({ RouteTableIds: world.nodes.map((n) => n.routeTableId) }),
    );
    for (const table of tables.RouteTables ?? []) {
      const route = table.Routes?.find((r) => r.DestinationCidrBlock === "10.8.0.0/24");
      expect(route?.NetworkInterfaceId).toBe(world.node(1).eniId);
    }
    for (const node of world.nodes) {
      const shown = await world.lab.ip(
        world.ns.router,
        "route",
        "show",
        "table",
        String(node.kernelTable),
      );
      expect(shown).toContain(`10.8.0.0/24 via ${world.node(1).ipv4}`);
    }
    const hop = await world.lab.ip(world.node(1).ns, "route", "show", "10.8.0.0/24");
    expect(hop).toContain(`via ${world.vpn.ip}`);
    expect(await world.events()).toContainEqual(expect.stringMatching(/^RoutesProgrammed/));
  });

  it("stops answering when the router loses the VPC route, so the answers did cross it", async () => {
    await world.router.stop();
    for (const node of world.nodes)
      await world.lab.ip(world.ns.router, "route", "flush", "table", String(node.kernelTable));
    const cut = Date.now() + 1_500;
    await new Promise((r) => setTimeout(r, 4_000));
    expect(world.proxy.okSince(cut)).toEqual([]);
    expect(world.proxy.failedSince(cut).length).toBeGreaterThan(0);
  });
});
