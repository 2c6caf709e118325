import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointsOf, LabAgents, StaticCluster } from "./agents.js";
import { assertNetnsSupport, type LabNode, NetnsLab } from "./lab.js";
import { addPod, addVpnNetwork, type LabPod } from "./pods.js";
import { startEcho, udpAsk } from "./udp.js";

describe("node agent masquerade, real packets between network namespaces", () => {
  const lab = new NetnsLab();
  const cluster = new StaticCluster();
  const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24, fd08::/64" };
  let agents: LabAgents;
  let client: LabPod;
  let vpn: LabPod;

  /** Every address configured in a node's namespace. */
  const addressesOf = async (node: LabNode): Promise<string[]> => {
    const links = JSON.parse(await lab.exec(node.ns, "ip", ["-json", "addr", "show"])) as {
      addr_info?: { local?: string }[];
    }[];
    return links.flatMap((l) => (l.addr_info ?? []).flatMap((a) => (a.local ? [a.local] : [])));
  };
  /** `iptables -S` lines about the agent's chain, per family, on one node. */
  const natLines = async (node: LabNode) =>
    Promise.all(
      ["iptables", "ip6tables"].map(async (tool) =>
        (await lab.exec(node.ns, tool, ["-t", "nat", "-S"]))
          .split("\n")
          .filter((l) => l.includes("VRS-MASQ")),
      ),
    );
  const seen = async () => [
    await udpAsk(lab, client.ns, "10.8.0.1"),
    await udpAsk(lab, client.ns, "fd08::1"),
  ];

  beforeAll(async () => {
    await assertNetnsSupport();
    await lab.build();
    client = await addPod(lab, "client", lab.node(2), "bridge", 10);
    vpn = await addPod(lab, "vpn", lab.node(1), "ptp", 10);
    await addVpnNetwork(lab, vpn);
    await startEcho(lab, vpn.ns);
    cluster.annotations = cidrs;
    cluster.endpoints = endpointsOf(vpn);
    agents = new LabAgents(lab, cluster);
  });

  afterAll(async () => {
    await lab.destroy();
  });

  it("without masquerade the VPN side sees the client Pod's own addresses and no chain exists", async () => {
    await agents.reconcileAll();
    expect(await seen()).toEqual([client.ipv4, client.ipv6]);
    for (const node of lab.nodes) expect(await natLines(node)).toEqual([[], []]);
  });

  it("with the masquerade annotation the VPN side sees the client's node instead of the Pod (the hosting node does not rewrite it again)", async () => {
    cluster.annotations = { ...cidrs, "vpc-route-sync.io/masquerade": "true" };
    await agents.reconcileAll();
    const [v4, v6] = await seen();
    const sending = await addressesOf(lab.node(2));
    expect(sending).toContain(v4);
    expect(sending).toContain(v6);
    expect([v4, v6]).not.toEqual([client.ipv4, client.ipv6]);
    for (const node of lab.nodes) {
      const [four, six] = await natLines(node);
      expect(four?.filter((l) => l.startsWith("-A POSTROUTING"))).toHaveLength(1);
      expect(
        four?.filter((l) => l.includes("-d 10.8.0.0/24") && l.includes("MASQUERADE")),
      ).toHaveLength(1);
      expect(
        six?.filter((l) => l.includes("-d fd08::/64") && l.includes("MASQUERADE")),
      ).toHaveLength(1);
    }
  });

  it("refills a chain flushed by hand on the next pass", async () => {
    for (const node of lab.nodes) {
      await lab.exec(node.ns, "iptables", ["-t", "nat", "-F", "VRS-MASQ"]);
      await lab.exec(node.ns, "ip6tables", ["-t", "nat", "-F", "VRS-MASQ"]);
    }
    expect(await seen()).toEqual([client.ipv4, client.ipv6]);
    await agents.reconcileAll();
    const sending = await addressesOf(lab.node(2));
    for (const address of await seen()) expect(sending).toContain(address);
  });

  it("restarted agents rewrite nothing and leave exactly one jump and one rule per family", async () => {
    const before = await Promise.all(lab.nodes.map(natLines));
    const restarted = new LabAgents(lab, cluster);
    const results = await restarted.reconcileAll();
    expect(results.flatMap((r) => r.masquerade)).toEqual([]);
    expect(await Promise.all(lab.nodes.map(natLines))).toEqual(before);
  });

  it("honours the global default, and a Service's explicit false over it", async () => {
    const global = new LabAgents(lab, cluster, { masquerade: true });
    cluster.annotations = cidrs;
    await global.reconcileAll();
    const sending = await addressesOf(lab.node(2));
    for (const address of await seen()) expect(sending).toContain(address);
    cluster.annotations = { ...cidrs, "vpc-route-sync.io/masquerade": "false" };
    await global.reconcileAll();
    expect(await seen()).toEqual([client.ipv4, client.ipv6]);
  });

  it("removes the chain and its jump cleanly on every node when masquerade is no longer wanted", async () => {
    for (const node of lab.nodes) {
      expect(await natLines(node)).toEqual([[], []]);
      const postrouting = await lab.exec(node.ns, "iptables", ["-t", "nat", "-S", "POSTROUTING"]);
      expect(postrouting.trim()).toBe("-P POSTROUTING ACCEPT");
    }
  });
});
