import { ApiException, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { createGcpProvider } from "../../providers/gcp/index.js";
import { type RunningController, startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { loadKubeConfig } from "../../src/kube/kubeconfig.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics, type Metrics } from "../../src/observability/metrics.js";
import type { PassResult } from "../../src/reconciler/reconcile.js";
import type { InstanceSeed, RouteView } from "../fakes/gcp/control.js";
import { fakeAuthClient } from "../fakes/gcp/sdk-options.js";
import { type FakeCompute, startFakeCompute } from "../fakes/gcp/server.js";
import { KubeObjects } from "./kube-objects.js";

/** A controller started by a GCP scenario, with what it counted. */
export interface GcpScenarioController {
  readonly running: RunningController;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly passes: PassResult[];
}

const project = "scenario-project";
const network = "vpc";

/**
 * One isolated GCP scenario: its own Compute Engine fake (network `vpc`, three instances, the
 * real SDK over HTTP on the real clock), its own namespace and Nodes on the shared API server,
 * and an in-process controller whose provider differs from production only by endpoint and
 * credentials. Mirrors AwsScenario, so the controller scenarios read the same on every cloud.
 */
export class GcpScenario {
  readonly name: string;
  readonly namespace: string;
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  readonly objects: KubeObjects;
  readonly instances: readonly InstanceSeed[];
  fake!: FakeCompute;
  private readonly controllers: GcpScenarioController[] = [];

  constructor(name: string, kubeconfigPath: string) {
    this.name = name;
    this.namespace = name;
    this.kubeconfigPath = kubeconfigPath;
    this.kubeConfig = loadKubeConfig(kubeconfigPath);
    this.objects = new KubeObjects(this.kubeConfig);
    this.instances = ["b", "c", "d"].map((zone, i) => ({
      name: `${name}-node-${i}`,
      zone: `europe-west1-${zone}`,
      network,
      networkIP: `10.0.0.${10 + i}`,
    }));
  }

  /** Starts the fake, seeds network, subnet and instances, the namespace and one Node each. */
  async setUp(canIpForward = true): Promise<this> {
    this.fake = await startFakeCompute({ project });
    const { control } = this.fake;
    control.seedNetwork({ name: network });
    control.seedSubnetwork({
      name: "nodes",
      region: "europe-west1",
      network,
      ipCidrRange: "10.0.0.0/20",
      secondaryIpRanges: [{ rangeName: "pods", ipCidrRange: "10.4.0.0/14" }],
    });
    await this.objects.ensureNamespace(this.namespace);
    for (const seed of this.instances) {
      control.seedInstance({ ...seed, canIpForward });
      await this.objects.createNode({
        name: seed.name,
        providerId: `gce://${project}/${seed.zone}/${seed.name}`,
        internalIp: seed.networkIP,
      });
    }
    return this;
  }

  /** The instance behind node `i` (node and instance share their name, as on GKE). */
  node(i: number): InstanceSeed {
    const seed = this.instances[i];
    if (seed === undefined) throw new Error(`scenario ${this.name} has no node ${i}`);
    return seed;
  }

  /** Command-line style options for this scenario; tests override what they exercise. */
  options(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      provider: "gcp",
      clusterId: this.name,
      allowedCidrs: "10.8.0.0/16",
      allowedNamespaces: this.namespace,
      gcpProject: project,
      gcpNetwork: network,
      gcpEndpoint: this.fake.url,
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

  /** Starts an in-process controller with a GCP provider pointed at this scenario's fake. */
  async startController(overrides: Record<string, unknown> = {}): Promise<GcpScenarioController> {
    const config = loadConfig({ options: this.options(overrides), env: {} });
    const logger = createLogger({ level: config.log.level });
    const metrics = createMetrics("gcp", { defaultMetrics: false });
    const passes: PassResult[] = [];
    const provider = createGcpProvider({
      clusterId: config.clusterId,
      project: config.gcp.project ?? project,
      network: config.gcp.network ?? network,
      routePriority: config.gcp.routePriority,
      endpoint: this.fake.url,
      authClient: fakeAuthClient(),
      pollIntervalMs: 20,
      clock: systemClock,
      logger: logger.child({ component: "gcp" }),
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

  /** The instance names the network's routes for `cidr` point at, by route name. */
  routes(cidr = "10.8.0.0/24"): string[] {
    return this.fake.control
      .routes()
      .filter((r: RouteView) => r.destRange === cidr)
      .map((r) => String(r.nextHopInstance ?? r.nextHopIp ?? "").replace(/^.*\//, ""));
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

  /** Waits until `cidr` has exactly one route, to `instance` (or none when undefined). */
  async routesConverge(
    instance: string | undefined,
    cidr = "10.8.0.0/24",
    timeoutMs = 20_000,
  ): Promise<number> {
    const wanted = instance === undefined ? [] : [instance];
    return await this.eventually(
      () => JSON.stringify(this.routes(cidr)) === JSON.stringify(wanted),
      `network ${network} routes ${cidr} only to ${instance ?? "nothing"}`,
      timeoutMs,
    );
  }

  /** Stops every controller this scenario started, then the fake. */
  async tearDown(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.running.stop()));
    await this.fake?.close();
  }
}
