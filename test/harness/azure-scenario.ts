import { ApiException, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { createAzureProvider } from "../../providers/azure/index.js";
import { type RunningController, startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { loadKubeConfig } from "../../src/kube/kubeconfig.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics, type Metrics } from "../../src/observability/metrics.js";
import type { PassResult } from "../../src/reconciler/reconcile.js";
import { FakeAzure } from "../fakes/azure/fake-azure.js";
import { fakeCredential } from "../fakes/azure/sdk-client.js";
import { KubeObjects } from "./kube-objects.js";

/** A controller started by an Azure scenario, with what it counted. */
export interface AzureScenarioController {
  readonly running: RunningController;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly passes: PassResult[];
}

/** A scenario node: a standalone VM whose NIC holds the node's InternalIP. */
export interface AzureScenarioNode {
  readonly name: string;
  readonly ip: string;
  readonly vmId: string;
  readonly nicId: string;
}

const subscriptions = [
  "c0ffee00-1111-4111-8111-111111111111",
  "c0ffee00-2222-4222-8222-222222222222",
];
const net = (sub: string, rg: string, type: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;

/**
 * One isolated Azure scenario: its own ARM fake over HTTPS (a hub and a spoke VNet in two
 * subscriptions, a route table associated with each, three VMs), its own namespace and Nodes on
 * the shared API server, and an in-process controller whose provider differs from production
 * only by endpoint, credential and trusted CA. Mirrors AwsScenario.
 */
export class AzureScenario {
  readonly name: string;
  readonly namespace: string;
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  readonly objects: KubeObjects;
  readonly tables: readonly string[];
  readonly nodes: readonly AzureScenarioNode[];
  fake!: FakeAzure;
  private readonly controllers: AzureScenarioController[] = [];

  constructor(name: string, kubeconfigPath: string) {
    this.name = name;
    this.namespace = name;
    this.kubeconfigPath = kubeconfigPath;
    this.kubeConfig = loadKubeConfig(kubeconfigPath);
    this.objects = new KubeObjects(this.kubeConfig);
    const [hub = "", spoke = ""] = subscriptions;
    this.tables = [
      net(hub, "hub-rg", "routeTables", "vpn-hub"),
      net(spoke, "spoke-rg", "routeTables", "vpn-spoke"),
    ];
    const compute = `/subscriptions/${hub}/resourceGroups/mc-${name}/providers`;
    this.nodes = [0, 1, 2].map((i) => ({
      name: `${name}-node-${i}`,
      ip: `10.0.0.${10 + i}`,
      vmId: `${compute}/Microsoft.Compute/virtualMachines/${name}-node-${i}`,
      nicId: `${compute}/Microsoft.Network/networkInterfaces/${name}-node-${i}-nic`,
    }));
  }

  /** Starts the fake, seeds VNets, tables, VMs and NICs, the namespace and one Node per VM. */
  async setUp(enableIPForwarding = true): Promise<this> {
    this.fake = await FakeAzure.start({ operationDurationMs: 20 });
    const [hub = "", spoke = ""] = subscriptions;
    const [hubTable, spokeTable] = this.tables;
    for (const id of this.tables) this.fake.seedRouteTable({ id });
    this.fake.seedVirtualNetwork({
      id: net(hub, "hub-rg", "virtualNetworks", "hub"),
      addressPrefixes: ["10.0.0.0/16"],
      subnets: [{ name: "nodes", addressPrefix: "10.0.0.0/20", routeTableId: hubTable }],
    });
    this.fake.seedVirtualNetwork({
      id: net(spoke, "spoke-rg", "virtualNetworks", "spoke"),
      addressPrefixes: ["10.1.0.0/16"],
      subnets: [{ name: "apps", addressPrefix: "10.1.0.0/24", routeTableId: spokeTable }],
    });
    await this.objects.ensureNamespace(this.namespace);
    for (const node of this.nodes) {
      this.fake.seedVirtualMachine({ id: node.vmId, networkInterfaceIds: [node.nicId] });
      this.fake.seedNetworkInterface({
        id: node.nicId,
        enableIPForwarding,
        virtualMachineId: node.vmId,
        ipConfigurations: [{ privateIPAddress: node.ip }],
      });
      await this.objects.createNode({
        name: node.name,
        providerId: `azure://${node.vmId}`,
        internalIp: node.ip,
      });
    }
    return this;
  }

  /** Node `i` (0, 1 or 2) with its VM and NIC. */
  node(i: number): AzureScenarioNode {
    const node = this.nodes[i];
    if (node === undefined) throw new Error(`scenario ${this.name} has no node ${i}`);
    return node;
  }

  /**
   * Puts a route someone else made (no ownership) into table `i`, to `ip`; reseeds the table, so
   * call it before the controller writes.
   */
  seedForeignRoute(i: number, cidr: string, ip: string): void {
    const id = this.tables[i];
    if (id === undefined) throw new Error(`scenario ${this.name} has no table ${i}`);
    this.fake.seedRouteTable({
      id,
      routes: [
        {
          name: "hand-made",
          addressPrefix: cidr,
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: ip,
        },
      ],
    });
  }

  /** Ownership tags (`vrs-...`) left on each table. */
  ownershipTags(): string[] {
    return this.tables.flatMap((id) =>
      Object.keys(this.fake.routeTable(id)?.tags ?? {}).filter((key) => key.startsWith("vrs-")),
    );
  }

  /** Command-line style options for this scenario; tests override what they exercise. */
  options(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      provider: "azure",
      clusterId: this.name,
      allowedCidrs: "10.8.0.0/16",
      allowedNamespaces: this.namespace,
      azureRouteTableIds: this.tables.join(","),
      azureEndpoint: this.fake.endpoint,
      kubeconfig: this.kubeconfigPath,
      leaderElectNamespace: this.namespace,
      leaderElectLeaseName: "vpc-route-sync",
      leaderElectLeaseDuration: "3s",
      leaderElectRenewDeadline: "2s",
      leaderElectRetryPeriod: "500ms",
      resyncInterval: "2s",
      httpAddress: "127.0.0.1:0",
      logLevel: process.env.VRS_TEST_LOG_LEVEL ?? "silent",
      ...overrides,
    };
  }

  /** Starts an in-process controller with an Azure provider pointed at this scenario's fake. */
  async startController(overrides: Record<string, unknown> = {}): Promise<AzureScenarioController> {
    const config = loadConfig({ options: this.options(overrides), env: {} });
    const logger = createLogger({ level: config.log.level });
    const metrics = createMetrics("azure", { defaultMetrics: false });
    const passes: PassResult[] = [];
    const provider = createAzureProvider({
      clusterId: config.clusterId,
      routeTableIds: config.azure.routeTableIds,
      endpoint: this.fake.endpoint,
      credential: fakeCredential,
      caCertificate: this.fake.caCertificate,
      pollIntervalMs: 10,
      clock: systemClock,
      logger: logger.child({ component: "azure" }),
      calls: metrics.callObserver,
    });
    const running = await startController({
      config,
      kubeConfig: this.kubeConfig,
      provider,
      metrics,
      logger,
      clock: systemClock,
      onPass: (p) => passes.push(p),
    });
    const controller = { running, metrics, config, passes };
    this.controllers.push(controller);
    return controller;
  }

  /** The next-hop IP of `cidr` in each route table (undefined when it has no such route). */
  routes(cidr = "10.8.0.0/24"): (string | undefined)[] {
    return this.tables.map((id) => {
      const route = this.fake.routeTable(id)?.routes.find((r) => r.addressPrefix === cidr);
      return route === undefined ? undefined : (route.nextHopIpAddress ?? route.nextHopType);
    });
  }

  /**
   * Replaces the Service's annotations, retrying when the controller's status write got in
   * between the read and the replace (409 Conflict), as any client of a busy object must.
   */
  async setServiceAnnotations(service: string, annotations: Record<string, string>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.objects.setServiceAnnotations(this.namespace, service, annotations);
      } catch (error) {
        if (!(error instanceof ApiException) || error.code !== 409 || attempt >= 5) throw error;
      }
    }
  }

  /** `reason: message` of every Event on the Service. */
  async eventReasons(service: string): Promise<string[]> {
    const list = await this.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: this.namespace });
    return list.items
      .filter((e) => e.involvedObject.name === service)
      .map((e) => `${e.reason}: ${e.message}`);
  }

  /** Polls until `check` passes or the timeout ends; returns the elapsed milliseconds. */
  async eventually(
    check: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (await check()) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
  }

  /** Waits until every table routes `cidr` to `ip` (or has no route when `ip` is undefined). */
  async routesConverge(ip: string | undefined, cidr = "10.8.0.0/24"): Promise<number> {
    return await this.eventually(
      () => this.routes(cidr).every((hop) => hop === ip),
      `every table routes ${cidr} to ${ip ?? "nothing"}`,
    );
  }

  /** Stops every controller this scenario started, then the fake. */
  async tearDown(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.running.stop()));
    await this.fake?.close();
  }
}
