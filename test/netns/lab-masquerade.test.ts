import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../harness/resilience-processes.js";
import { LabWorld, type LabWorldOptions } from "./lab-world.js";
import type { VpcNode } from "./vpc-topology.js";

/** The far side knows the VPC (the nodes' addresses) but not the pod network: the seed 001 case. */
const farSideKnowsOnlyTheVpc: LabWorldOptions = {
  pushRoutes: ["172.31.0.0/16"],
  masquerade: false,
};

const quiet = () => new Promise((r) => setTimeout(r, 4_000));

/**
 * Scenario 5 of the dataplane lab: the device's side routes only the VPC back through the VPN,
 * so answers to a Pod's own address never return; with the Service's masquerade annotation the
 * agents rewrite the source of Pod traffic (from the cluster CIDRs) to the sending node's address
 * and answers come back. Both directions of the switch are proven with packets, for a VPN server
 * on hostNetwork and for one in its own Pod. The device sees the proxy's node (node 2): the
 * hosting node forwards that already rewritten traffic without rewriting it again (before the
 * rules matched Pod sources only, it did, to its Pod-bridge address, which the far side cannot
 * answer; see docs/lab.md).
 */
describe.each([
  ["on hostNetwork", { ...farSideKnowsOnlyTheVpc, hostNetwork: true }],
  ["in its own Pod", farSideKnowsOnlyTheVpc],
])(
  "dataplane lab: masquerade for a VPN whose far side does not know pod addresses, server %s",
  (_, options) => {
    const world = new LabWorld(options);
    const annotate = (masquerade: boolean) =>
      world.objects.setServiceAnnotations("vpn", "openvpn", {
        "vpc-route-sync.io/cidrs": "10.8.0.0/24",
        "vpc-route-sync.io/masquerade": String(masquerade),
      });

    const masquerades = async (node: VpcNode) =>
      (await world.lab.exec(node.ns, "iptables", ["-w", "5", "-t", "nat", "-S"])).includes(
        "-d 10.8.0.0/24",
      );

    beforeAll(async () => {
      await world.start();
    });

    afterAll(async () => {
      await world.destroy();
    });

    it("gets no answers without masquerade although the VPC route is in place", async () => {
      const from = Date.now();
      await quiet();
      expect(world.proxy.okSince(from)).toEqual([]);
      expect(world.proxy.failedSince(from).length).toBeGreaterThan(0);
      const shown = await world.lab.ip(
        world.ns.router,
        "route",
        "show",
        "table",
        String(world.node(2).kernelTable),
      );
      expect(shown).toContain(`10.8.0.0/24 via ${world.node(1).ipv4}`);
    });

    it("gets answers once the Service asks for masquerade, the device seeing no pod address", async () => {
      await annotate(true);
      await waitFor(
        "every agent masquerades the VPN CIDR",
        async () => (await Promise.all(world.nodes.map(masquerades))).every(Boolean),
        30_000,
        200,
      );
      const from = Date.now();
      const answered = await world.proxy.firstOkAfter(from, 30_000);
      expect(answered.peer).not.toMatch(/^10\.244\./);
      expect(answered.peer).toBe(world.node(2).ipv4);
    });

    it("loses the answers again when masquerade is switched off", async () => {
      await annotate(false);
      await waitFor(
        "no agent masquerades any more",
        async () => (await Promise.all(world.nodes.map(masquerades))).every((m) => !m),
        30_000,
        200,
      );
      const from = Date.now();
      await quiet();
      expect(world.proxy.okSince(from)).toEqual([]);
    });
  },
);
