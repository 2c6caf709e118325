import { DescribeRouteTablesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { createProvider } from "../../providers/registry.js";
import type { Provider } from "../../providers/types.js";
import { systemClock } from "../../src/clock.js";
import { ControllerScenario, type ProviderContext } from "./controller-scenario.js";
import { type SeededVpc, seedVpc } from "./ec2-seed.js";
import { localStackEc2Client } from "./localstack.js";

export type { ScenarioController } from "./controller-scenario.js";

/**
 * One isolated AWS scenario on the shared LocalStack and API server: its own VPC (three tables,
 * three node instances), its own namespace and Nodes, and helpers to start controllers and read
 * the route tables back from EC2. The provider is built by the production registry.
 */
export class AwsScenario extends ControllerScenario {
  readonly ec2: EC2Client;
  readonly localstackEndpoint: string;
  vpc!: SeededVpc;

  constructor(name: string, localstackEndpoint: string, kubeconfigPath: string) {
    super(name, kubeconfigPath);
    this.localstackEndpoint = localstackEndpoint;
    this.ec2 = localStackEc2Client(localstackEndpoint);
  }

  /** Seeds the VPC, the namespace and one Node per seeded instance. */
  async setUp(): Promise<this> {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    this.vpc = await seedVpc(this.ec2, { name: this.name });
    await this.objects.ensureNamespace(this.namespace);
    await this.createNodes();
    return this;
  }

  /** One Node per seeded instance, written by hand; story scenarios make kwok Nodes instead. */
  protected async createNodes(): Promise<void> {
    for (const node of this.vpc.nodes) {
      await this.objects.createNode({
        name: node.name,
        providerId: node.providerId,
        internalIp: node.privateIp,
      });
    }
  }

  node(i: number) {
    const node = this.vpc.nodes[i];
    if (node === undefined) throw new Error(`scenario ${this.name} has no node ${i}`);
    return node;
  }

  protected cloud() {
    return {
      provider: "aws",
      options: {
        awsRegion: "us-east-1",
        awsEndpoint: this.localstackEndpoint,
        awsRouteTableTags: `${this.vpc.routeTableTag.key}=${this.vpc.routeTableTag.value}`,
      },
    };
  }

  protected async createProvider({ config, logger, metrics }: ProviderContext): Promise<Provider> {
    return await createProvider(config, {
      clock: systemClock,
      logger,
      calls: metrics.callObserver,
    });
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
}
