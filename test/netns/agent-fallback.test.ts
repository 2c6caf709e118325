import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointsOf, LabAgents, ourRoutes, routeLines, StaticCluster } from "./agents.js";
import { assertNetnsSupport, NetnsLab } from "./lab.js";
import { addPod, addVpnNetwork, type LabPod, removePod } from "./pods.js";
import { Probe, startEcho, udpAsk } from "./udp.js";

describe("node agent, fallback mode, real packets between network namespaces", () => {
  const lab = new NetnsLab();
  const cluster = new StaticCluster();
  let agents: LabAgents;
  let client: LabPod;
  let vpn: LabPod;

  beforeAll(async () => {
    await assertNetnsSupport();
    await lab.build();
    client = await addPod(lab, "client", lab.node(2), "bridge", 10);
    vpn = await addPod(lab, "vpn", lab.node(1), "ptp", 10);
    await addVpnNetwork(lab, vpn);
    await startEcho(lab, vpn.ns);
    cluster.annotations = { "vpc-route-sync.io/cidrs": "10.8.0.0/24, fd08::/64" };
    cluster.endpoints = endpointsOf(vpn);
    agents = new LabAgents(lab, cluster);
  });

  afterAll(async () => {
    await lab.destroy();
  });

  it("gets the client to the VPN network over IPv4 and IPv6 after one pass on every node", async () => {
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBeUndefined();
    await agents.reconcileAll();
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBe(client.ipv4);
    expect(await udpAsk(lab, client.ns, "fd08::1")).toBe(client.ipv6);
    expect(await routeLines(lab, lab.node(1))).toEqual([
      "10.8.0.0/24 via 10.244.1.10 dev veth-vpn onlink",
      "fd08::/64 via fd44:1::10 dev veth-vpn onlink",
    ]);
    for (const node of [lab.node(2), lab.node(3)]) {
      expect(await routeLines(lab, node)).toEqual([
        "10.8.0.0/24 via 10.100.0.1",
        "fd08::/64 via fd10::1",
      ]);
    }
  });

  it("follows the VPN Pod from node-1 (point-to-point CNI) to node-3 (bridge CNI) and measures the gap", async () => {
    const probes = [
      new Probe(lab, client.ns, "10.8.0.1", 50, 0),
      new Probe(lab, client.ns, "fd08::1", 50, 0),
    ];
    await Promise.all(probes.map((p) => p.replyAfter(Date.now())));
    const podGone = Date.now();
    await removePod(lab, vpn);
    vpn = await addPod(lab, "vpn3", lab.node(3), "bridge", 10);
    await addVpnNetwork(lab, vpn);
    await startEcho(lab, vpn.ns);
    const endpointsMoved = Date.now();
    cluster.endpoints = endpointsOf(vpn);
    await agents.reconcileAll();
    const reconciled = Date.now();
    const replies = await Promise.all(probes.map((p) => p.replyAfter(reconciled)));
    await new Promise((r) => setTimeout(r, 300));
    for (const p of probes) p.stop();
    const [v4, v6] = probes.map((p) => p.outage());
    process.stderr.write(
      `[netns] VPN Pod moved node-1 -> node-3: Pod re-created in ${endpointsMoved - podGone} ms, ` +
        `agents reconciled 3 nodes in ${reconciled - endpointsMoved} ms; traffic interrupted ` +
        `${v4?.ms} ms IPv4 (${v4?.lost} probes lost), ${v6?.ms} ms IPv6 (${v6?.lost} lost), ` +
        `probing every 50 ms\n`,
    );
    expect(replies.map((r) => r.peer)).toEqual([client.ipv4, client.ipv6]);
    expect(await routeLines(lab, lab.node(3))).toEqual([
      "10.8.0.0/24 via 10.244.3.10 dev cni0 onlink",
      "fd08::/64 via fd44:3::10 dev cni0 onlink",
    ]);
    for (const node of [lab.node(1), lab.node(2)]) {
      expect(await routeLines(lab, node)).toEqual([
        "10.8.0.0/24 via 10.100.0.3",
        "fd08::/64 via fd10::3",
      ]);
    }
  });

  it("repairs a route deleted by hand and one changed by hand with the agent's protocol", async () => {
    const node2 = lab.node(2);
    const healthy = await routeLines(lab, node2);
    await lab.exec(node2.ns, "ip", ["route", "del", "10.8.0.0/24"]);
    await lab.exec(node2.ns, "ip", [
      "-6",
      "route",
      "replace",
      "fd08::/64",
      "via",
      "fd10::99",
      "proto",
      "201",
    ]);
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBeUndefined();
    expect(await udpAsk(lab, client.ns, "fd08::1")).toBeUndefined();
    await agents.reconcileAll();
    expect(await routeLines(lab, node2)).toEqual(healthy);
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBe(client.ipv4);
    expect(await udpAsk(lab, client.ns, "fd08::1")).toBe(client.ipv6);
  });

  it("leaves a route someone else installed for a requested CIDR alone and reports the conflict", async () => {
    const node2 = lab.node(2);
    await lab.exec(node2.ns, "ip", ["route", "replace", "10.8.0.0/24", "via", "10.100.0.1"]);
    const results = await agents.reconcileAll();
    const conflicts = results[1]?.steps.filter((s) => s.step.kind === "conflict") ?? [];
    expect(conflicts.map((c) => c.step.kind === "conflict" && c.step.dst)).toEqual(["10.8.0.0/24"]);
    const shown = await lab.exec(node2.ns, "ip", ["-d", "route", "show", "10.8.0.0/24"]);
    expect(shown).toContain("via 10.100.0.1 dev eth0 proto boot");
    expect(await routeLines(lab, node2)).toEqual(["fd08::/64 via fd10::3"]);
    await lab.exec(node2.ns, "ip", ["route", "del", "10.8.0.0/24"]);
    await agents.reconcileAll();
    expect(await routeLines(lab, node2)).toEqual([
      "10.8.0.0/24 via 10.100.0.3",
      "fd08::/64 via fd10::3",
    ]);
  });

  it("restarted agents find everything in place: no writes and no duplicates", async () => {
    const restarted = new LabAgents(lab, cluster);
    for (let i = 0; i < 2; i++) {
      const results = await restarted.reconcileAll();
      const writes = results.flatMap((r) => r.steps.filter((s) => s.step.kind !== "keep"));
      expect(writes).toEqual([]);
    }
    for (const node of lab.nodes) expect(await ourRoutes(lab, node)).toHaveLength(2);
  });

  it("removes its routes, and nothing else, when the Service goes away, but not while the API server is unreachable", async () => {
    const others = async () =>
      Promise.all(
        lab.nodes.map(async (n) =>
          (await lab.exec(n.ns, "ip", ["-d", "route", "show", "table", "all"]))
            .split("\n")
            .filter((line) => !line.includes("proto 201"))
            .sort(),
        ),
      );
    const before = await others();
    cluster.annotations = undefined;
    cluster.live = false;
    const skipped = await agents.reconcileAll();
    expect(skipped.map((r) => r.status)).toEqual(["skipped", "skipped", "skipped"]);
    for (const node of lab.nodes) expect(await ourRoutes(lab, node)).toHaveLength(2);
    cluster.live = true;
    await agents.reconcileAll();
    for (const node of lab.nodes) expect(await ourRoutes(lab, node)).toEqual([]);
    expect(await others()).toEqual(before);
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBeUndefined();
  });
});
