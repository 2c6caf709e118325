import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentMetrics } from "../../src/agent/metrics.js";
import type { AgentPassResult } from "../../src/agent/reconcile.js";
import { type RunningAgent, startAgent } from "../../src/cli/agent.js";
import { systemClock } from "../../src/clock.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { createLogger } from "../../src/observability/logger.js";
import { type LocalKubeApiServer, startKubeApiServer } from "../harness/kube-apiserver.js";
import { fixtureSliceManager } from "../harness/kube-objects.js";
import { labSettings, ourRoutes, routeLines } from "./agents.js";
import { LabKube } from "./kube-fixtures.js";
import { assertNetnsSupport, NetnsLab } from "./lab.js";
import { addPod, addVpnNetwork, type LabPod, removePod } from "./pods.js";
import { Probe, startEcho, udpAsk } from "./udp.js";

/** Polls until `check` passes; returns how long it took. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}

describe("three full agents against a real kube-apiserver, real packets between namespaces", () => {
  const lab = new NetnsLab();
  let kube: LocalKubeApiServer | undefined;
  let objects: LabKube;
  const agents: RunningAgent[] = [];
  const passes: AgentPassResult[][] = [[], [], []];
  let client: LabPod;
  let vpn: LabPod;

  beforeAll(async () => {
    await assertNetnsSupport();
    kube = await startKubeApiServer();
    const kubeConfig = loadKubeConfig(kube.kubeconfigPath);
    objects = new LabKube(kubeConfig);
    await lab.build();
    client = await addPod(lab, "client", lab.node(2), "bridge", 10);
    vpn = await addPod(lab, "vpn", lab.node(1), "ptp", 10);
    await addVpnNetwork(lab, vpn);
    await startEcho(lab, vpn.ns);
    await objects.createNodes(lab.nodes);
    await objects.createService({ "vpc-route-sync.io/cidrs": "10.8.0.0/24, fd08::/64" });
    await objects.setEndpoints(vpn);
    const logger = createLogger({ level: process.env.VRS_TEST_LOG_LEVEL ?? "silent" });
    for (const [i, node] of lab.nodes.entries()) {
      agents.push(
        await startAgent({
          options: {
            ...labSettings(node),
            resyncIntervalMs: 1_000,
            trustedEndpointSliceManagers: [fixtureSliceManager],
            kubeconfig: kube.kubeconfigPath,
            http: { host: "127.0.0.1", port: 0 },
            log: { level: "silent", pretty: false },
          },
          kubeConfig,
          runner: lab.runner(node.ns),
          logger,
          metrics: createAgentMetrics({ defaultMetrics: false }),
          clock: systemClock,
          onPass: (p) => passes[i]?.push(p),
          backoff: { initialMs: 100, maxMs: 1_000 },
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.allSettled(agents.map((a) => a.stop()));
    await lab.destroy();
    await kube?.stop();
  });

  it("converges from the annotated Service and its EndpointSlices alone", async () => {
    await until(
      "the client reaches 10.8.0.1",
      async () => (await udpAsk(lab, client.ns, "10.8.0.1")) !== undefined,
    );
    expect(await udpAsk(lab, client.ns, "fd08::1")).toBe(client.ipv6);
    expect(await routeLines(lab, lab.node(2))).toEqual([
      "10.8.0.0/24 via 10.100.0.1",
      "fd08::/64 via fd10::1",
    ]);
  });

  it("follows the VPN Pod when its EndpointSlices move to node-3, and measures the interruption", async () => {
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
    const sliceUpdated = Date.now();
    await objects.setEndpoints(vpn);
    const replies = await Promise.all(probes.map((p) => p.replyAfter(sliceUpdated)));
    await new Promise((r) => setTimeout(r, 300));
    for (const p of probes) p.stop();
    const [v4, v6] = probes.map((p) => p.outage());
    const firstAnswered = Math.max(...replies.map((r) => r.at));
    process.stderr.write(
      `[netns] full agents, VPN Pod moved node-1 -> node-3: Pod re-created in ${sliceUpdated - podGone} ms; ` +
        `EndpointSlice update -> traffic answered again in ${firstAnswered - sliceUpdated} ms; ` +
        `interruption ${v4?.ms} ms IPv4 (${v4?.lost} lost), ${v6?.ms} ms IPv6 (${v6?.lost} lost), probing every 50 ms\n`,
    );
    await until("node-1 routes via node-3", async () =>
      (await routeLines(lab, lab.node(1))).every(
        (l) => l.includes("via 10.100.0.3") || l.includes("via fd10::3"),
      ),
    );
    expect(await routeLines(lab, lab.node(3))).toEqual([
      "10.8.0.0/24 via 10.244.3.10 dev cni0 onlink",
      "fd08::/64 via fd44:3::10 dev cni0 onlink",
    ]);
  });

  it("repairs a route deleted by hand on the next periodic resync, without any API event", async () => {
    await lab.exec(lab.node(2).ns, "ip", ["route", "del", "10.8.0.0/24"]);
    const repairedIn = await until("node-2 has its route again", async () =>
      (await routeLines(lab, lab.node(2))).includes("10.8.0.0/24 via 10.100.0.3"),
    );
    expect(repairedIn).toBeLessThan(5_000);
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBe(client.ipv4);
  });

  it("removes nothing while the API server is down, and cleans up once it is back", async () => {
    const node2 = lab.node(2);
    const skipped = () => passes[1]?.filter((p) => p.status === "skipped").length ?? 0;
    const before = skipped();
    const restarted = kube?.restartApiServer(8_000);
    await until("node-2's agent skips a pass", async () => skipped() > before, 20_000);
    await lab.exec(node2.ns, "ip", [
      "route",
      "add",
      "10.9.0.0/24",
      "via",
      "10.100.0.3",
      "proto",
      "201",
    ]);
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await routeLines(lab, node2)).filter((l) => l.startsWith("10.9.0.0/24"))).toHaveLength(
      1,
    );
    await restarted;
    await until(
      "the stale route is removed",
      async () => !(await routeLines(lab, node2)).some((l) => l.startsWith("10.9.0.0/24")),
      30_000,
    );
    expect(await routeLines(lab, node2)).toEqual([
      "10.8.0.0/24 via 10.100.0.3",
      "fd08::/64 via fd10::3",
    ]);
  }, 90_000);

  it("removes every route on every node when the Service is deleted", async () => {
    await objects.deleteService();
    await until("no node has a route of the agent", async () =>
      (await Promise.all(lab.nodes.map((n) => ourRoutes(lab, n)))).every((r) => r.length === 0),
    );
    expect(await udpAsk(lab, client.ns, "10.8.0.1")).toBeUndefined();
  });
});
