import { CreateRouteCommand, CreateRouteTableCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Client } from "../providers/aws/client.js";
import { collectPages } from "../providers/aws/paginate.js";
import type { Ec2Port } from "../providers/aws/port.js";
import { mustParseCidr } from "../src/domain/cidr.js";
import type { SeededVpc } from "../test/harness/ec2-seed.js";
import type { KubeObjects } from "../test/harness/kube-objects.js";
import type { CallCounts } from "./bench-controller.js";
import type { MoveWorld } from "./move-bench.js";

/** `count` VPN CIDRs: 10.<octet>.0.0/24, 10.<octet>.1.0/24, ... (octet 8 by default). */
export const vpnCidrs = (count: number, octet = 8): string[] =>
  Array.from({ length: count }, (_, i) => `10.${octet}.${i}.0/24`);

/** A configuration's route tables: the controller's (selected by tag) and the floor's own copy. */
export interface AwsTableSet {
  readonly tag: { readonly key: string; readonly value: string };
  readonly tableIds: readonly string[];
  readonly floorTableIds: readonly string[];
  readonly cidrs: readonly string[];
}

/** An empty route table in `vpcId` carrying the tag `key=value`; returns its id. */
export async function createTable(
  ec2: EC2Client,
  vpcId: string,
  key: string,
  value: string,
): Promise<string> {
  const out = await ec2.send(
    new CreateRouteTableCommand({
      VpcId: vpcId,
      TagSpecifications: [{ ResourceType: "route-table", Tags: [{ Key: key, Value: value }] }],
    }),
  );
  const id = out.RouteTable?.RouteTableId;
  if (id === undefined) throw new Error("CreateRouteTable returned no id");
  return id;
}

/**
 * Creates `tables` empty route tables tagged for the controller, and as many floor tables whose
 * routes for every CIDR already point at node 0 (the seed's own harness makes one table per
 * zone; a benchmark needs more, so it makes its own).
 */
export async function createTableSet(
  ec2: EC2Client,
  vpc: SeededVpc,
  name: string,
  tables: number,
  cidrs: readonly string[],
): Promise<AwsTableSet> {
  const tag = { key: "vpc-route-sync.io/bench-set", value: name };
  const tableIds: string[] = [];
  const floorTableIds: string[] = [];
  const eni = vpc.nodes[0]?.eniId;
  for (let i = 0; i < tables; i++) {
    tableIds.push(await createTable(ec2, vpc.vpcId, tag.key, tag.value));
    const floor = await createTable(ec2, vpc.vpcId, "vpc-route-sync.io/bench-floor", name);
    for (const cidr of cidrs) {
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: floor,
          DestinationCidrBlock: cidr,
          NetworkInterfaceId: eni,
        }),
      );
    }
    floorTableIds.push(floor);
  }
  return { tag, tableIds, floorTableIds, cidrs };
}

/** An EC2 port with exactly the controller's client settings (one attempt, same timeouts). */
export const benchEc2Port = (endpoint: string): Ec2Port =>
  createEc2Client({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  }).port;

/** One filtered DescribeRouteTables: does every (table, CIDR) route to `eni`? */
export async function allRouteTo(
  port: Ec2Port,
  ids: readonly string[],
  cidrs: readonly string[],
  eni: string,
): Promise<boolean> {
  const tables = await collectPages(
    port.describeRouteTables([{ name: "route-table-id", values: [...ids] }]),
  );
  if (tables.length !== ids.length) return false;
  return tables.every((t) =>
    cidrs.every((c) =>
      t.routes.some((r) => r.destinationCidr === c && r.networkInterfaceId === eni),
    ),
  );
}

/** The move benchmark's AWS side: EndpointSlice writes, DescribeRouteTables reads, the floor. */
export function awsMoveWorld(args: {
  readonly objects: KubeObjects;
  readonly namespace: string;
  readonly vpc: SeededVpc;
  readonly set: AwsTableSet;
  readonly endpoint: string;
  readonly calls: () => Promise<CallCounts>;
}): MoveWorld {
  const { vpc, set } = args;
  const poller = benchEc2Port(args.endpoint);
  const floor = benchEc2Port(args.endpoint);
  const cidrs = set.cidrs.map(mustParseCidr);
  const node = (i: number) => {
    const n = vpc.nodes[i];
    if (n === undefined) throw new Error(`the seeded VPC has no node ${i}`);
    return n;
  };
  return {
    moveEndpoint: (to, move) =>
      args.objects.setEndpoints(args.namespace, "vpn", [
        { nodeName: node(to).name, address: `10.244.${to}.${10 + (move % 200)}` },
      ]),
    isConverged: (to) => allRouteTo(poller, set.tableIds, set.cidrs, node(to).eniId),
    // One DescribeRouteTables of the floor's tables, filtered by id: their routes and ownership
    // tags, the read the controller's pass makes once for all tables.
    floorRead: async () => {
      await collectPages(
        floor.describeRouteTables([{ name: "route-table-id", values: [...set.floorTableIds] }]),
      );
    },
    // ReplaceRoute per pair: tables in parallel, serially within a table, as the applier does.
    floorMove: async (_from, to) => {
      await Promise.all(
        set.floorTableIds.map(async (tableId) => {
          for (const cidr of cidrs)
            await floor.replaceRoute({ tableId, cidr, networkInterfaceId: node(to).eniId });
        }),
      );
    },
    isFloorConverged: (to) => allRouteTo(poller, set.floorTableIds, set.cidrs, node(to).eniId),
    calls: args.calls,
  };
}
