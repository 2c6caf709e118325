import { DescribeRouteTablesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { KubeConfig } from "@kubernetes/client-node";
import { createProvider } from "../../providers/registry.js";
import type { Provider } from "../../providers/types.js";
import { type RunningController, startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { loadKubeConfig } from "../../src/kube/kubeconfig.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics, type Metrics } from "../../src/observability/metrics.js";
import type { PassResult } from "../../src/reconciler/reconcile.js";
import { type SeededVpc, seedVpc } from "./ec2-seed.js";
import { KubeObjects } from "./kube-objects.js";
import { localStackEc2Client } from "./localstack.js";

/** A controller started by a scenario, with what it counted. */
export interface ScenarioController {
  readonly running: RunningController;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly passes: PassResult[];
}

/**
 * One isolated AWS scenario on the shared LocalStack and API server: its own VPC (three tables,
 * three node instances), its own namespace and Nodes, and helpers to start controllers and read
 * the route tables back from EC2.
 */
export class AwsScenario {
  readonly ec2: EC2Client;
  readonly kubeConfig: KubeConfig;
  readonly objects: KubeObjects;
  readonly namespace: string;
  vpc!: SeededVpc;
  private readonly controllers: ScenarioController[] = [];

  readonly name: string;
  readonly localstackEndpoint: string;
  readonly kubeconfigPath: string;

  constructor(name: string, localstackEndpoint: string, kubeconfigPath: string) {
    this.name = name;
    this.localstackEndpoint = localstackEndpoint;
    this.kubeconfigPath = kubeconfigPath;
    this.ec2 = localStackEc2Client(localstackEndpoint);
    this.kubeConfig = loadKubeConfig(kubeconfigPath);
    this.objects = new KubeObjects(this.kubeConfig);
    this.namespace = name;
  }

  /** Seeds the VPC, the namespace and one Node per seeded instance. */
  async setUp(): Promise<this> {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    this.vpc = await seedVpc(this.ec2, { name: this.name });
    await this.objects.ensureNamespace(this.namespace);
    for (const node of this.vpc.nodes) {
      await this.objects.createNode({
        name: node.name,
        providerId: node.providerId,
        internalIp: node.privateIp,
      });
    }
    return this;
  }

  node(i: number) {
    const node = this.vpc.nodes[i];
    if (node === undefined) throw new Error(`scenario ${this.name} has no node ${i}`);
    return node;
  }

  /** Command-line style options for this scenario; tests override what they exercise. */
  options(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      provider: "aws",
      clusterId: this.name,
      allowedCidrs: "10.8.0.0/16",
      allowedNamespaces: this.namespace,
      awsRegion: "us-east-1",
      awsEndpoint: this.localstackEndpoint,
      awsRouteTableTags: `${this.vpc.routeTableTag.key}=${this.vpc.routeTableTag.value}`,
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

  /** Starts an in-process controller with this scenario's options. */
  async startController(overrides: Record<string, unknown> = {}): Promise<ScenarioController> {
    const config = loadConfig({ options: this.options(overrides), env: {} });
    const logger = createLogger({ level: config.log.level });
    const metrics = createMetrics("aws", { defaultMetrics: false });
    const passes: PassResult[] = [];
    const provider: Provider = createProvider(config, {
      clock: systemClock,
      logger,
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

  /** The target ENI of `cidr` in each of the scenario's route tables (undefined when absent). */
  async routes(cidr = "10.8.0.0/24"): Promise<(string | undefined)[]> {
    const out = await this.ec2.send(
      new DescribeRouteTablesCommand({ RouteTableIds: [...this.vpc.routeTableIds] }),
    );
    return this.vpc.routeTableIds.map((id) => {
      const table = out.RouteTables?.find((t) => t.RouteTableId === id);
      return table?.Routes?.find((r) => r.DestinationCidrBlock === cidr)?.NetworkInterfaceId;
    });
  }

  /** Polls until `check` passes or the timeout ends; returns the elapsed milliseconds. */
  async eventually(
    check: () => Promise<boolean>,
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

  /** Waits until every table routes `cidr` to `eni` (or has no route when `eni` is undefined). */
  async routesConverge(
    eni: string | undefined,
    cidr = "10.8.0.0/24",
    timeoutMs = 20_000,
  ): Promise<number> {
    return await this.eventually(
      async () => (await this.routes(cidr)).every((t) => t === eni),
      `every table routes ${cidr} to ${eni ?? "nothing"}`,
      timeoutMs,
    );
  }

  /** Stops every controller this scenario started. */
  async tearDown(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.running.stop()));
  }
}
