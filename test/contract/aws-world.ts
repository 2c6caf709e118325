/**
 * The contract world of the AWS provider: the real EC2 SDK against LocalStack, through the fault
 * proxy (the emulator never throttles). Each world is a freshly seeded VPC with three route
 * tables and three node instances. Out-of-band routes and attribute changes go straight to
 * LocalStack, as another tool would. EC2 offers no state log, so a gapless move is checked on
 * calls: ReplaceRoute, never DeleteRoute.
 */
import {
  CreateRouteCommand,
  type EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
} from "@aws-sdk/client-ec2";
import { createEc2Client } from "../../providers/aws/client.js";
import { type AwsProviderOptions, createAwsProvider } from "../../providers/aws/index.js";
import { buildAwsProvider } from "../../providers/aws/provider.js";
import { systemClock } from "../../src/clock.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { silentLogger } from "../../src/observability/logger.js";
import { ec2Faults, startFaultProxy } from "../fakes/fault-proxy.js";
import { type SeededNode, seedVpc } from "../harness/ec2-seed.js";
import { localStackEc2Client } from "../harness/localstack.js";
import type { ContractWorld } from "./world.js";
import { routeWrite } from "./writes.js";

let worlds = 0;
const testCredentials = { accessKeyId: "test", secretAccessKey: "test" };

/** Starts an AWS world on the LocalStack at `endpoint`. */
export async function startAwsWorld(endpoint: string): Promise<ContractWorld> {
  const ec2: EC2Client = localStackEc2Client(endpoint);
  const vpc = await seedVpc(ec2, { name: `contract-${process.pid % 1000}-${++worlds}` });
  const proxy = await startFaultProxy(endpoint);
  const client = { region: "us-east-1", endpoint: proxy.url, credentials: testCredentials };
  const options = (clusterId: string): AwsProviderOptions & { region: string } => ({
    clusterId,
    ...client,
    routeTableIds: vpc.routeTableIds,
    routeTableTags: [],
    manageSourceDestCheck: false,
    clock: systemClock,
    logger: silentLogger(),
  });
  const nodes = vpc.nodes.map(
    (n): NodeInfo => ({ name: n.name, providerId: n.providerId, internalIps: [n.privateIp] }),
  );
  const seeded = (node: NodeInfo): SeededNode => {
    const found = vpc.nodes.find((n) => n.name === node.name);
    if (found === undefined) throw new Error(`no instance seeded for ${node.name}`);
    return found;
  };
  const [a, b, c] = nodes;
  if (a === undefined || b === undefined || c === undefined) throw new Error("three nodes");

  return {
    clusterId: "contract",
    provider: await createAwsProvider(options("contract")),
    nodes: [a, b, c],
    tables: vpc.routeTableIds,
    networkCidrs: [vpc.vpcCidr],
    // The interface wants a provider at once; the region is given, so nothing is left to await.
    restart: () => buildAwsProvider(createEc2Client(client).port, options("contract")),
    async putForeignRoute(table, cidr, node) {
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: table,
          DestinationCidrBlock: cidr,
          NetworkInterfaceId: seeded(node).eniId,
        }),
      );
    },
    async putOtherClusterRoute(table, cidr, node, owner) {
      const theirs = await createAwsProvider(options(owner.clusterId));
      const target = await theirs.resolveTarget(node, 4);
      await theirs.applyWrite(routeWrite("create", table, cidr, owner, target));
    },
    injectThrottle() {
      proxy.failNext("CreateRoute", ec2Faults.throttle());
    },
    throttledAnswers: () => proxy.faulted(),
    async setForwarding(node, on) {
      await ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: seeded(node).eniId,
          SourceDestCheck: { Value: !on },
        }),
      );
    },
    interfaceName: (node) => seeded(node).eniId,
    watchRoutes(cidr) {
      const before = { ...proxy.counts() };
      return {
        stop() {
          const now = proxy.counts();
          const delta = (action: string) => (now[action] ?? 0) - (before[action] ?? 0);
          const [replaces, deletes] = [delta("ReplaceRoute"), delta("DeleteRoute")];
          return {
            evidence: "call log",
            gapless: deletes === 0 && replaces > 0,
            detail: `while moving ${cidr}: ${replaces} ReplaceRoute, ${deletes} DeleteRoute`,
          };
        },
      };
    },
    async close() {
      ec2.destroy();
      await proxy.close();
    },
  };
}
