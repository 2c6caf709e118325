import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointsOf, LabAgents, routeLines, StaticCluster } from "./agents.js";
import { assertNetnsSupport, type LabNode, NetnsLab } from "./lab.js";
import { addPod, addVpnNetwork, type LabPod, removePod } from "./pods.js";
import { startEcho, udpAsk } from "./udp.js";

/**
 * Hop mode: the VPC already sends the VPN CIDRs to the hosting node (here a static route on the
 * other nodes stands in for the cloud route table the controller programs), and only the
 * hosting node's agent adds the last hop to the Pod.
 */
describe("node agent, hop mode, real packets between network namespaces", () => {
  const lab = new NetnsLab();
  const cluster = new StaticCluster();
  let agents: LabAgents;
  let client: LabPod;
  let vpn: LabPod;

  /** What the controller would do in the cloud: point the "VPC" at `node` for the VPN CIDRs. */
  const pointVpcAt = async (node: LabNode) => {
    for (const other of lab.nodes.filter((n) => n !== node)) {
      await lab.exec(other.ns, "ip", [
        "route",
        "replace",
        "10.8.0.0/24",
        "via",
        node.ipv4,
        "proto",
        "static",
      ]);
      await lab.exec(other.ns, "ip", [
        "-6",
        "route",
        "replace",
        "fd08::/64",
        "via",
        node.ipv6,
        "proto",
        "static",
      ]);
    }
    for (const family of ["-4", "-6"]) {
      await lab.exec(node.ns, "ip", [family, "route", "flush", "proto", "static"]).catch(() => "");
    }
  };

  beforeAll(async () => {
    await assertNetnsSupport();
    await lab.build();
    client = await addPod(lab, "client", lab.node(2), "bridge", 10);
    vpn = await addPod(lab, "vpn", lab.node(1), "ptp", 10);
    await addVpnNetwork(lab, vpn);
    await startEcho(lab, vpn.ns);
    await pointVpcAt(lab.node(1));
    cluster.annotations = {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24, fd08::/64",
      "vpc-route-sync.io/masquerade": "true",
    };
    cluster.endpoints = endpointsOf(vpn);
    agents = new LabAgents(lab, cluster, { mode: "hop" });
  });

  afterAll(async () => {
    await lab.destroy();
  });

  it("adds only the hosting node's hop to the Pod; the VPC route does the rest", async () => {
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBeUndefined();
    await agents.reconcileAll();
    expect(await routeLines(lab, lab.node(1))).toEqual([
      "10.8.0.0/24 via 10.244.1.10 dev veth-vpn onlink",
      "fd08::/64 via fd44:1::10 dev veth-vpn onlink",
    ]);
    expect(await routeLines(lab, lab.node(2))).toEqual([]);
    expect(await routeLines(lab, lab.node(3))).toEqual([]);
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBeDefined();
    expect(await udpAsk(lab, client.ns, "fd08::1")).toBeDefined();
  });

  it("moves the hop with the Pod and never touches the VPC's own routes", async () => {
    await removePod(lab, vpn);
    vpn = await addPod(lab, "vpn3", lab.node(3), "bridge", 10);
    await addVpnNetwork(lab, vpn);
    await startEcho(lab, vpn.ns);
    await pointVpcAt(lab.node(3));
    cluster.endpoints = endpointsOf(vpn);
    await agents.reconcileAll();
    expect(await routeLines(lab, lab.node(1))).toEqual([]);
    expect(await routeLines(lab, lab.node(3))).toEqual([
      "10.8.0.0/24 via 10.244.3.10 dev cni0 onlink",
      "fd08::/64 via fd44:3::10 dev cni0 onlink",
    ]);
    const shown = await lab.exec(lab.node(2).ns, "ip", ["-d", "route", "show", "10.8.0.0/24"]);
    expect(shown).toContain("via 10.100.0.3 dev eth0 proto static");
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBeDefined();
    expect(await udpAsk(lab, client.ns, "fd08::1")).toBeDefined();
  });
});
