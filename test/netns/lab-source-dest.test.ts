import { DescribeNetworkInterfacesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../harness/resilience-processes.js";
import { rescheduleVpnPod } from "./lab-move.js";
import { LabWorld } from "./lab-world.js";

/** The ENI's SourceDestCheck as LocalStack reports it. */
async function sourceDestCheck(world: LabWorld, eniId: string): Promise<boolean | undefined> {
  const out = await world.ec2.send(
    new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }),
  );
  return out.NetworkInterfaces?.[0]?.SourceDestCheck;
}

/** Packets the VPC router's source/destination check rules dropped, per rule. */
async function droppedPackets(world: LabWorld): Promise<number> {
  const out = await world.lab.exec(world.ns.router, "iptables", [
    "-w",
    "5",
    "-L",
    "VPC-SDC",
    "-v",
    "-n",
    "-x",
  ]);
  return out
    .split("\n")
    .filter((l) => l.includes("DROP"))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0] ?? 0), 0);
}

/**
 * Scenario 3 of the dataplane lab: the VPN Pod moves to a node whose ENI has the source/
 * destination check on. With `--aws-manage-source-dest-check=false` the controller still points
 * the route tables there but warns with ForwardingDisabled, and the VPC router drops the traffic;
 * a controller that manages the check turns it off and traffic flows.
 */
describe("dataplane lab: the source/destination check on the new node's ENI", () => {
  const world = new LabWorld({ manageSourceDestCheck: false });

  beforeAll(async () => {
    await world.start();
    await world.proxy.firstOkAfter(Date.now());
  });

  afterAll(async () => {
    await world.destroy();
  });

  it("stops traffic at the VPC router and emits ForwardingDisabled when the controller may not change it", async () => {
    const node3 = world.node(3);
    await world.setSourceDestCheck(node3.eniId, true);
    const { sliceWrittenAt } = await rescheduleVpnPod(world, node3, 1);
    const warned = await waitFor(
      "the controller warns with ForwardingDisabled",
      async () => (await world.events()).find((e) => e.startsWith("ForwardingDisabled")),
      30_000,
      200,
    );
    expect(warned).toContain(node3.eniId);
    expect(warned).toContain("or set manageSourceDestCheck");
    await waitFor(
      "the VPC router sends the VPN CIDR to node 3",
      () => world.router.changes.some((c) => c.at >= sliceWrittenAt && c.via === node3.ipv4),
      30_000,
    );
    const quietFrom = Date.now();
    await new Promise((r) => setTimeout(r, 4_000));
    expect(world.proxy.okSince(sliceWrittenAt)).toEqual([]);
    expect(world.proxy.failedSince(quietFrom).length).toBeGreaterThan(0);
    expect(await droppedPackets(world)).toBeGreaterThan(0);
  });

  it("turns the check off and lets traffic through when a managing controller moves the routes", async () => {
    await world.stopController();
    world.startController(true);
    const node1 = world.node(1);
    await world.setSourceDestCheck(node1.eniId, true);
    const { sliceWrittenAt } = await rescheduleVpnPod(world, node1, 2);
    const answered = await world.proxy.firstOkAfter(sliceWrittenAt, 30_000);
    expect(answered.peer).toBe(world.proxyPod.ipv4);
    expect(await sourceDestCheck(world, node1.eniId)).toBe(false);
    const rules = await world.lab.exec(world.ns.router, "iptables", ["-w", "5", "-S", "VPC-SDC"]);
    expect(rules).not.toContain(node1.ipv4);
  });

  // Fails today: the controller turns the check off only for targets of a pending route write
  // (src/reconciler/reconcile.ts, enableForwarding runs only when writes.length > 0), so a route
  // that already points at an ENI with the check on stays broken even with management on.
  it("turns the check off when the routes already point at a node whose ENI has it on", async () => {
    const node1 = world.node(1);
    await world.setSourceDestCheck(node1.eniId, true);
    const checkedAt = Date.now();
    await waitFor(
      "the VPC router reads the check",
      () => world.router.lastSyncAt > checkedAt,
      10_000,
    );
    await world.stopController();
    world.startController(true);
    await waitFor(
      "the controller turns the check off on the ENI its routes target",
      async () => (await sourceDestCheck(world, node1.eniId)) === false,
      20_000,
      200,
    );
    expect(await world.proxy.firstOkAfter(Date.now(), 20_000)).toBeDefined();
  }, 90_000);
});
