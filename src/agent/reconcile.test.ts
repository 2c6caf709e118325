import { describe, expect, it } from "vitest";
import { mustParseCidr } from "../domain/cidr.js";
import type { EndpointInfo } from "../domain/service.js";
import { silentLogger } from "../observability/logger.js";
import { FakeKernel } from "./fake-kernel.js";
import type { AgentServiceRecord } from "./intents.js";
import { IpRoutes } from "./ip-routes.js";
import { createAgentMetrics } from "./metrics.js";
import { NatMasquerade } from "./nat-masquerade.js";
import { NodeReconciler, type NodeSettings } from "./reconcile.js";

const settings = (over: Partial<NodeSettings> = {}): NodeSettings => ({
  nodeName: "n2",
  mode: "fallback",
  masquerade: false,
  routeProtocol: 201,
  allowedCidrs: [mustParseCidr("10.8.0.0/16"), mustParseCidr("fd08::/48")],
  allowedNamespaces: ["vpn"],
  minPrefixLength: { v4: 16, v6: 48 },
  clusterCidrs: [],
  maxCidrsPerService: 8,
  ...over,
});

/** A cluster view whose Services, endpoints and liveness the test sets directly. */
class FakeCluster {
  records: AgentServiceRecord[] = [];
  endpoints: EndpointInfo[] = [];
  live: () => boolean = () => true;
  hasSynced = () => true;
  isLive = () => this.live();
  services = () => this.records;
  endpointsOf = () => this.endpoints;
  ignoredSlicesOf = () => [];
  annotate(annotations: Record<string, string>): this {
    this.records = [{ key: "vpn/openvpn", namespace: "vpn", createdAt: "", annotations }];
    return this;
  }
}

function setUp(over: Partial<NodeSettings> = {}, kernel = new FakeKernel()) {
  const cluster = new FakeCluster().annotate({
    "vpc-route-sync.io/cidrs": "10.8.0.0/24, fd08::/64",
    "vpc-route-sync.io/masquerade": "true",
  });
  cluster.endpoints = [
    { nodeName: "n1", address: "10.244.1.10", ready: true, terminating: false },
    { nodeName: "n1", address: "fd44:1::10", ready: true, terminating: false },
  ];
  const ips = new Map([["n1", ["10.100.0.1", "fd10::1"]]]);
  const metrics = createAgentMetrics({ defaultMetrics: false });
  const make = () =>
    new NodeReconciler({
      settings: settings(over),
      cluster,
      nodes: {
        get: async (name) => ({ name, providerId: undefined, internalIps: ips.get(name) ?? [] }),
        retainOnly: () => undefined,
      },
      routes: new IpRoutes(kernel.runner, 201),
      masquerade: new NatMasquerade(kernel.runner),
      logger: silentLogger(),
      metrics,
    });
  return { kernel, cluster, metrics, reconciler: make(), restart: make };
}

const table = (kernel: FakeKernel) =>
  kernel.routes
    .map(
      (r) =>
        `${r.dst} via ${r.gateway}${r.onlink ? ` dev ${r.dev} onlink` : ""} proto ${r.protocol}`,
    )
    .sort();

describe("NodeReconciler with an in-memory kernel", () => {
  it("routes the CIDRs to the hosting node, masquerades them, then writes nothing in steady state", async () => {
    const { kernel, reconciler } = setUp();
    expect((await reconciler.reconcile()).status).toBe("success");
    expect(table(kernel)).toEqual([
      "10.8.0.0/24 via 10.100.0.1 proto 201",
      "fd08::/64 via fd10::1 proto 201",
    ]);
    expect(kernel.nat[4].get("VRS-MASQ")).toHaveLength(1);
    expect(kernel.nat[6].get("VRS-MASQ")).toHaveLength(1);
    const before = kernel.writes().length;
    await reconciler.reconcile();
    expect(kernel.writes().length).toBe(before);
  });

  it("hands the CIDRs to the Pod's interface on the hosting node", async () => {
    const { kernel, reconciler } = setUp({ nodeName: "n1", mode: "hop" });
    kernel.lookups.set("10.244.1.10", { dev: "cali1" });
    kernel.lookups.set("fd44:1::10", { dev: "cali1" });
    await reconciler.reconcile();
    expect(table(kernel)).toEqual([
      "10.8.0.0/24 via 10.244.1.10 dev cali1 onlink proto 201",
      "fd08::/64 via fd44:1::10 dev cali1 onlink proto 201",
    ]);
  });

  it("holds the CIDR when the Pod is not on-link and installs nothing for a hostNetwork Pod", async () => {
    const { kernel, reconciler } = setUp({ nodeName: "n1" });
    kernel.lookups.set("10.244.1.10", { dev: "eth0", gateway: "10.100.0.254" });
    kernel.lookups.set("fd44:1::10", { local: true });
    const result = await reconciler.reconcile();
    expect(kernel.routes).toEqual([]);
    expect(result.status).toBe("success");
  });

  it("repairs a deleted route, a route changed with our marker and a flushed chain; restarts add no duplicates", async () => {
    const { kernel, reconciler, restart } = setUp();
    await reconciler.reconcile();
    const healthy = table(kernel);
    kernel.routes = kernel.routes
      .filter((r) => r.family === 6)
      .map((r) => ({ ...r, gateway: "fd10::99" }));
    kernel.nat[4].set("VRS-MASQ", []);
    await reconciler.reconcile();
    expect(table(kernel)).toEqual(healthy);
    expect(kernel.nat[4].get("VRS-MASQ")).toHaveLength(1);
    const writes = kernel.writes().length;
    await restart().reconcile();
    expect(kernel.writes().length).toBe(writes);
    expect(kernel.nat[4].get("POSTROUTING")).toHaveLength(1);
  });

  it("never overwrites a route it did not install and reports the conflict", async () => {
    const { kernel, reconciler, metrics } = setUp();
    kernel.routes.push({
      family: 4,
      dst: "10.8.0.0/24",
      protocol: 3,
      type: 1,
      gateway: "10.100.0.77",
      dev: "eth0",
      metric: 0,
      onlink: false,
      multipath: false,
    });
    await reconciler.reconcile();
    expect(table(kernel)).toContain("10.8.0.0/24 via 10.100.0.77 proto 3");
    expect(table(kernel)).not.toContain("10.8.0.0/24 via 10.100.0.1 proto 201");
    expect((await metrics.conflicts.get()).values[0]?.value).toBe(1);
  });

  it("removes its routes and chain when the Service goes away, and only then", async () => {
    const { kernel, reconciler, cluster } = setUp();
    await reconciler.reconcile();
    cluster.records = [];
    await reconciler.reconcile();
    expect(kernel.routes).toEqual([]);
    expect(kernel.nat[4].has("VRS-MASQ")).toBe(false);
    expect(kernel.nat[4].get("POSTROUTING")).toEqual([]);
  });

  it("writes nothing at all while the API server is unreachable, even for a deleted Service", async () => {
    const { kernel, reconciler, cluster } = setUp();
    await reconciler.reconcile();
    const writes = kernel.writes().length;
    cluster.records = [];
    cluster.live = () => false;
    expect((await reconciler.reconcile()).status).toBe("skipped");
    expect(kernel.writes().length).toBe(writes);
    expect(kernel.routes).toHaveLength(2);
  });

  it("stops writing as soon as the API server goes away in the middle of a pass", async () => {
    const { kernel, reconciler, cluster } = setUp();
    let checks = 0;
    cluster.live = () => ++checks <= 2;
    const result = await reconciler.reconcile();
    expect(result.status).toBe("skipped");
    expect(result.steps.map((s) => s.outcome)).toEqual(["applied", "skipped"]);
    expect(kernel.routes).toHaveLength(1);
  });

  it("fails the pass, writing nothing, when the kernel cannot be read", async () => {
    const { kernel, reconciler } = setUp();
    kernel.failAll = true;
    await expect(reconciler.reconcile()).rejects.toThrow(/fake failure/);
    kernel.failAll = false;
    expect(kernel.routes).toEqual([]);
    expect((await reconciler.reconcile()).status).toBe("success");
  });
});
