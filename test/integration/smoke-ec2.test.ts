import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
  ReplaceRouteCommand,
} from "@aws-sdk/client-ec2";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type SeededVpc, seedVpc } from "../harness/ec2-seed.js";
import { localStackEc2Client } from "../harness/localstack.js";

describe("LocalStack EC2 harness", () => {
  let ec2: EC2Client;
  let vpc: SeededVpc;

  beforeAll(async () => {
    ec2 = localStackEc2Client(inject("localstackEndpoint"));
    vpc = await seedVpc(ec2, { name: "smoke-ec2" });
  });

  const routeTo = async (routeTableId: string, cidr: string) => {
    const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }));
    return out.RouteTables?.[0]?.Routes?.find((r) => r.DestinationCidrBlock === cidr);
  };

  it("describes the three seeded route tables by their seed tag", async () => {
    const out = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: `tag:${vpc.routeTableTag.key}`, Values: [vpc.routeTableTag.value] }],
      }),
    );
    const ids = (out.RouteTables ?? []).map((t) => t.RouteTableId).sort();
    expect(ids).toEqual([...vpc.routeTableIds].sort());
    expect(vpc.nodes).toHaveLength(3);
    expect(new Set(vpc.nodes.map((n) => n.eniId)).size).toBe(3);
  });

  it("creates a route to one ENI, replaces it with another, and deletes it", async () => {
    const [table] = vpc.routeTableIds;
    const [nodeA, nodeB] = vpc.nodes;
    if (table === undefined || nodeA === undefined || nodeB === undefined)
      throw new Error("seed too small");
    const cidr = "10.8.0.0/24";

    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: cidr,
        NetworkInterfaceId: nodeA.eniId,
      }),
    );
    expect((await routeTo(table, cidr))?.NetworkInterfaceId).toBe(nodeA.eniId);

    await ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: cidr,
        NetworkInterfaceId: nodeB.eniId,
      }),
    );
    expect((await routeTo(table, cidr))?.NetworkInterfaceId).toBe(nodeB.eniId);

    await ec2.send(new DeleteRouteCommand({ RouteTableId: table, DestinationCidrBlock: cidr }));
    expect(await routeTo(table, cidr)).toBeUndefined();
  });
});
