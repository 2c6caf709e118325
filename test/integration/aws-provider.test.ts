import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
  type RouteTable,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { beforeAll, describe, expect, inject, it, vi } from "vitest";
import { canonicalCidrText } from "../../providers/aws/cidr-text.js";
import { type AwsProviderOptions, createAwsProvider } from "../../providers/aws/index.js";
import type { RouteWrite } from "../../providers/types.js";
import { systemClock } from "../../src/clock.js";
import { formatIp, mustParseCidr } from "../../src/domain/cidr.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { isPermanent } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import { recordingObserver } from "../fakes/aws/fake-world.js";
import { type SeededNode, type SeededVpc, seedVpc } from "../harness/ec2-seed.js";
import { localStackEc2Client } from "../harness/localstack.js";

const clusterId = "itest";
const owner = { clusterId, service: "vpn/openvpn" };
const ownerTag = (cidr: string) => `vpc-route-sync.io/route/${cidr}`;
let ec2: EC2Client;
let counter = 0;

beforeAll(() => {
  ec2 = localStackEc2Client(inject("localstackEndpoint"));
});

/** A fresh VPC for one test, so tests never see each other's routes. */
const freshVpc = () => seedVpc(ec2, { name: `aws-provider-${process.pid % 1000}-${++counter}` });

async function providerFor(tables: readonly string[], overrides: Partial<AwsProviderOptions> = {}) {
  const observer = recordingObserver();
  const provider = await createAwsProvider({
    clusterId,
    region: "us-east-1",
    endpoint: inject("localstackEndpoint"),
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    routeTableIds: [...tables],
    routeTableTags: [],
    manageSourceDestCheck: false,
    clock: systemClock,
    logger: silentLogger(),
    calls: observer,
    ...overrides,
  });
  return { provider, observer };
}

const nodeInfo = (node: SeededNode, withProviderId = true): NodeInfo => ({
  name: node.name,
  providerId: withProviderId ? node.providerId : undefined,
  internalIps: [node.privateIp],
});

const nodeAt = (vpc: SeededVpc, i: number): SeededNode => {
  const node = vpc.nodes[i];
  if (node === undefined) throw new Error(`seed has no node ${i}`);
  return node;
};

const firstTable = (vpc: SeededVpc): string => vpc.routeTableIds[0] ?? "";

/** The table as EC2 itself reports it, bypassing the provider. */
async function sdkTable(id: string): Promise<RouteTable> {
  const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }));
  const table = out.RouteTables?.[0];
  if (table === undefined) throw new Error(`${id} not found`);
  return table;
}

const sdkRoute = async (id: string, cidr: string) =>
  (await sdkTable(id)).Routes?.find((r) => r.DestinationCidrBlock === cidr);
const sdkTag = async (id: string, key: string) =>
  (await sdkTable(id)).Tags?.find((t) => t.Key === key)?.Value;

const write = (table: string, cidr: string, overrides: Partial<RouteWrite>): RouteWrite => ({
  kind: "create",
  table,
  cidr: mustParseCidr(cidr),
  target: undefined,
  owner,
  adopt: false,
  routeExists: false,
  ownerChanged: true,
  ...overrides,
});

describe("AWS provider on LocalStack: listing", () => {
  it("lists the tables named by id with one DescribeRouteTables, also in steady state", async () => {
    const vpc = await freshVpc();
    const { provider, observer } = await providerFor(vpc.routeTableIds);
    const tables = await provider.listTables();
    expect(tables.map((t) => t.id).sort()).toEqual([...vpc.routeTableIds].sort());
    expect(tables[0]?.routes).toContainEqual({
      table: tables[0]?.id,
      cidr: vpc.vpcCidr,
      targetId: undefined,
      targetDescription: "local",
      owner: undefined,
      exists: true,
    });
    observer.reset();
    await provider.listTables();
    expect(observer.calls.map((c) => `${c.operation} ${c.outcome}`)).toEqual([
      "DescribeRouteTables ok",
    ]);
  });

  it("reaches EC2 through AWS_ENDPOINT_URL_EC2 when no endpoint is configured (the SDK's chain)", async () => {
    const vpc = await freshVpc();
    const dir = mkdtempSync(join(tmpdir(), "vrs-aws-env-"));
    // A miss would fall back to this profile endpoint: a closed loopback port, never AWS.
    const config = join(dir, "config");
    writeFileSync(config, "[default]\nendpoint_url = http://127.0.0.1:9\n");
    vi.stubEnv("AWS_CONFIG_FILE", config);
    vi.stubEnv("AWS_PROFILE", undefined);
    vi.stubEnv("AWS_ENDPOINT_URL_EC2", inject("localstackEndpoint"));
    try {
      const { provider } = await providerFor(vpc.routeTableIds, { endpoint: undefined });
      const tables = await provider.listTables();
      expect(tables.map((t) => t.id).sort()).toEqual([...vpc.routeTableIds].sort());
    } finally {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lists the tables selected by tag with one call", async () => {
    const vpc = await freshVpc();
    const { provider, observer } = await providerFor(vpc.routeTableIds, {
      routeTableIds: [],
      routeTableTags: [vpc.routeTableTag],
    });
    const tables = await provider.listTables();
    expect(tables.map((t) => t.id).sort()).toEqual([...vpc.routeTableIds].sort());
    expect(observer.count()).toBe(1);
  });

  it("unites tables selected by id and by tag, each once", async () => {
    const vpc = await freshVpc();
    const other = await freshVpc();
    const { provider } = await providerFor(vpc.routeTableIds, {
      routeTableIds: [firstTable(other), firstTable(vpc)],
      routeTableTags: [vpc.routeTableTag],
    });
    const ids = (await provider.listTables()).map((t) => t.id).sort();
    expect(ids).toEqual([...vpc.routeTableIds, firstTable(other)].sort());
  });

  it("fails permanently, naming the id, when an explicit table does not exist", async () => {
    const vpc = await freshVpc();
    const { provider } = await providerFor(vpc.routeTableIds, {
      routeTableIds: [firstTable(vpc), "rtb-0123456789abcdef0"],
    });
    const error = await provider.listTables().catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/rtb-0123456789abcdef0 .*routeTableIds/);
  });

  it("reports the VPC's ranges and answers again from its cache", async () => {
    const vpc = await freshVpc();
    const { provider, observer } = await providerFor(vpc.routeTableIds);
    expect((await provider.networkCidrs()).map((c) => c.text)).toEqual([vpc.vpcCidr]);
    observer.reset();
    await provider.networkCidrs();
    expect(observer.count()).toBe(0);
  });
});

describe("AWS provider on LocalStack: targets", () => {
  it("resolves each seeded node to its ENI by providerID, then from the cache", async () => {
    const vpc = await freshVpc();
    const { provider, observer } = await providerFor(vpc.routeTableIds);
    for (const node of vpc.nodes) {
      const target = await provider.resolveTarget(nodeInfo(node), 4);
      expect(target.id).toBe(node.eniId);
      expect(target.nodeName).toBe(node.name);
      expect(target.description).toBe(`${node.eniId} (${node.instanceId}, ${node.privateIp})`);
    }
    expect(observer.count("DescribeNetworkInterfaces")).toBe(vpc.nodes.length);
    observer.reset();
    await provider.resolveTarget(nodeInfo(nodeAt(vpc, 0)), 4);
    expect(observer.count()).toBe(0);
  });

  it("resolves nodes without providerID by InternalIP within the managed VPC", async () => {
    // Every seeded VPC reuses 172.31.0.0/16, so the vpc-id filter is what makes this unambiguous.
    await freshVpc();
    const vpc = await freshVpc();
    const { provider } = await providerFor(vpc.routeTableIds);
    for (const node of vpc.nodes) {
      expect((await provider.resolveTarget(nodeInfo(node, false), 4)).id).toBe(node.eniId);
    }
  });

  it("reports source/destination check and refuses to change it unless allowed", async () => {
    const vpc = await freshVpc();
    const node = nodeAt(vpc, 0);
    const { provider } = await providerFor(vpc.routeTableIds);
    const target = await provider.resolveTarget(nodeInfo(node), 4);
    expect(target.forwarding).toEqual({
      state: "disabled",
      message: expect.stringMatching(
        new RegExp(`${node.eniId} of node ${node.name}.*disable source/destination check`),
      ),
    });
    expect(isPermanent(await provider.enableForwarding(target).catch((e: unknown) => e))).toBe(
      true,
    );
    const eni = await ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [node.eniId] }),
    );
    expect(eni.NetworkInterfaces?.[0]?.SourceDestCheck).toBe(true);
  });

  it("turns source/destination check off with manageSourceDestCheck", async () => {
    const vpc = await freshVpc();
    const node = nodeAt(vpc, 1);
    const { provider, observer } = await providerFor(vpc.routeTableIds, {
      manageSourceDestCheck: true,
    });
    expect(provider.capabilities.manageForwarding).toBe(true);
    await provider.enableForwarding(await provider.resolveTarget(nodeInfo(node), 4));
    expect(observer.count("ModifyNetworkInterfaceAttribute")).toBe(1);
    const eni = await ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [node.eniId] }),
    );
    expect(eni.NetworkInterfaces?.[0]?.SourceDestCheck).toBe(false);
    const fresh = (await providerFor(vpc.routeTableIds)).provider;
    expect((await fresh.resolveTarget(nodeInfo(node), 4)).forwarding).toEqual({ state: "enabled" });
  });
});

describe("AWS provider on LocalStack: writes", () => {
  it("creates an owned route to node A, replaces it to node B, then deletes route and record", async () => {
    const vpc = await freshVpc();
    const table = firstTable(vpc);
    const { provider, observer } = await providerFor(vpc.routeTableIds);
    const a = await provider.resolveTarget(nodeInfo(nodeAt(vpc, 0)), 4);
    const b = await provider.resolveTarget(nodeInfo(nodeAt(vpc, 1)), 4);
    const observed = async () =>
      (await provider.listTables())
        .find((t) => t.id === table)
        ?.routes.find((r) => r.cidr === "10.8.0.0/24");

    await provider.applyWrite(write(table, "10.8.0.0/24", { target: a }));
    expect(await observed()).toEqual({
      table,
      cidr: "10.8.0.0/24",
      targetId: a.id,
      targetDescription: expect.stringContaining(a.id),
      owner,
      exists: true,
    });
    expect(await sdkTag(table, ownerTag("10.8.0.0/24"))).toBe("itest/vpn/openvpn");

    observer.reset();
    await provider.applyWrite(
      write(table, "10.8.0.0/24", { kind: "replace", target: b, ownerChanged: false }),
    );
    expect(observer.calls.map((c) => c.operation)).toEqual(["ReplaceRoute"]);
    expect(await observed()).toMatchObject({ targetId: b.id, owner, exists: true });

    await provider.applyWrite(
      write(table, "10.8.0.0/24", { kind: "delete", target: undefined, routeExists: true }),
    );
    expect(await observed()).toBeUndefined();
    expect(await sdkRoute(table, "10.8.0.0/24")).toBeUndefined();
    expect(await sdkTag(table, ownerTag("10.8.0.0/24"))).toBeUndefined();
  });

  it("creates the route when a replace finds none to replace", async () => {
    const vpc = await freshVpc();
    const table = firstTable(vpc);
    const { provider, observer } = await providerFor(vpc.routeTableIds);
    const b = await provider.resolveTarget(nodeInfo(nodeAt(vpc, 1)), 4);
    observer.reset();
    await provider.applyWrite(write(table, "10.8.1.0/24", { kind: "replace", target: b }));
    expect((await sdkRoute(table, "10.8.1.0/24"))?.NetworkInterfaceId).toBe(b.id);
    expect(observer.calls.map((c) => `${c.operation} ${c.outcome}`)).toEqual([
      "CreateTags ok",
      "ReplaceRoute error",
      "CreateRoute ok",
    ]);
  });

  it("lists a foreign route without owner and leaves it alone when our record goes", async () => {
    const vpc = await freshVpc();
    const table = firstTable(vpc);
    const foreignEni = nodeAt(vpc, 2).eniId;
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: "10.50.0.0/24",
        NetworkInterfaceId: foreignEni,
      }),
    );
    const { provider } = await providerFor(vpc.routeTableIds);
    const routes = (await provider.listTables()).find((t) => t.id === table)?.routes ?? [];
    expect(routes.find((r) => r.cidr === "10.50.0.0/24")).toEqual({
      table,
      cidr: "10.50.0.0/24",
      targetId: foreignEni,
      targetDescription: expect.stringContaining(foreignEni),
      owner: undefined,
      exists: true,
    });

    const a = await provider.resolveTarget(nodeInfo(nodeAt(vpc, 0)), 4);
    await provider.applyWrite(write(table, "10.8.0.0/24", { target: a }));
    await provider.applyWrite(
      write(table, "10.8.0.0/24", { kind: "delete", target: undefined, routeExists: true }),
    );
    await provider.applyWrite(
      write(table, "10.50.0.0/24", { kind: "delete", target: undefined, routeExists: false }),
    );
    expect((await sdkRoute(table, "10.50.0.0/24"))?.NetworkInterfaceId).toBe(foreignEni);
  });

  it("reads another cluster's record as theirs and keeps it when releasing ours", async () => {
    const vpc = await freshVpc();
    const table = firstTable(vpc);
    const theirEni = nodeAt(vpc, 2).eniId;
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: "10.60.0.0/24",
        NetworkInterfaceId: theirEni,
      }),
    );
    await ec2.send(
      new CreateTagsCommand({
        Resources: [table],
        Tags: [{ Key: ownerTag("10.60.0.0/24"), Value: "other-cluster/vpn/wireguard" }],
      }),
    );
    const { provider } = await providerFor(vpc.routeTableIds);
    const route = (await provider.listTables())
      .find((t) => t.id === table)
      ?.routes.find((r) => r.cidr === "10.60.0.0/24");
    expect(route).toMatchObject({
      targetId: theirEni,
      owner: { clusterId: "other-cluster", service: "vpn/wireguard" },
      exists: true,
    });

    await provider.applyWrite(
      write(table, "10.60.0.0/24", { kind: "delete", target: undefined, routeExists: false }),
    );
    expect(await sdkTag(table, ownerTag("10.60.0.0/24"))).toBe("other-cluster/vpn/wireguard");
    expect((await sdkRoute(table, "10.60.0.0/24"))?.NetworkInterfaceId).toBe(theirEni);
  });

  it("shows a dangling ownership record as a missing route and removes it on delete", async () => {
    const vpc = await freshVpc();
    const table = firstTable(vpc);
    await ec2.send(
      new CreateTagsCommand({
        Resources: [table],
        Tags: [{ Key: ownerTag("10.70.0.0/24"), Value: "itest/vpn/openvpn" }],
      }),
    );
    const { provider } = await providerFor(vpc.routeTableIds);
    const route = (await provider.listTables())
      .find((t) => t.id === table)
      ?.routes.find((r) => r.cidr === "10.70.0.0/24");
    expect(route).toMatchObject({ targetId: undefined, owner, exists: false });

    await provider.applyWrite(
      write(table, "10.70.0.0/24", { kind: "delete", target: undefined, routeExists: false }),
    );
    expect(await sdkTag(table, ownerTag("10.70.0.0/24"))).toBeUndefined();
    const after = (await provider.listTables()).find((t) => t.id === table)?.routes ?? [];
    expect(after.some((r) => r.cidr === "10.70.0.0/24")).toBe(false);
  });
});

/** A dual-stack VPC (Amazon-provided /56) with one table and two nodes holding IPv6 addresses. */
async function dualStackVpc() {
  const vpc = await ec2.send(
    new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", AmazonProvidedIpv6CidrBlock: true }),
  );
  const vpcId = vpc.Vpc?.VpcId ?? "";
  // The emulator writes groups with leading zeros (2400:6500:0cc5::/56), as EC2 may.
  const given = vpc.Vpc?.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  const v6Range = given === undefined ? undefined : canonicalCidrText(given);
  if (v6Range === undefined) throw new Error("the emulator gave the VPC no IPv6 range");
  const subnet = await ec2.send(
    new CreateSubnetCommand({
      VpcId: vpcId,
      CidrBlock: "10.20.0.0/20",
      Ipv6CidrBlock: `${formatIp(6, mustParseCidr(v6Range).network)}/64`,
      AvailabilityZone: "us-east-1a",
    }),
  );
  const table = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
  const nodes: (NodeInfo & { eniId: string; v6: string })[] = [];
  for (const name of ["v6-node-a", "v6-node-b"]) {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: images.Images?.[0]?.ImageId,
        InstanceType: "t3.medium",
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet.Subnet?.SubnetId,
        Ipv6AddressCount: 1,
      }),
    );
    const instance = run.Instances?.[0];
    const eni = instance?.NetworkInterfaces?.[0];
    const v6 = eni?.Ipv6Addresses?.[0]?.Ipv6Address;
    if (instance?.PrivateIpAddress === undefined || eni?.NetworkInterfaceId === undefined || !v6)
      throw new Error("the emulator gave the instance no dual-stack interface");
    nodes.push({
      name,
      providerId: `aws:///us-east-1a/${instance.InstanceId}`,
      internalIps: [instance.PrivateIpAddress, v6],
      eniId: eni.NetworkInterfaceId,
      v6,
    });
  }
  const [a, b] = nodes;
  if (a === undefined || b === undefined) throw new Error("unreachable");
  return { vpcId, v6Range, tableId: table.RouteTable?.RouteTableId ?? "", a, b };
}

describe("AWS provider on LocalStack: IPv6", () => {
  it("routes an IPv6 CIDR to the ENI holding the node's IPv6 address, then moves and removes it", async () => {
    const world = await dualStackVpc();
    const { provider } = await providerFor([world.tableId]);
    const cidrs = (await provider.networkCidrs()).map((c) => c.text);
    expect(cidrs).toEqual(expect.arrayContaining(["10.20.0.0/16", world.v6Range]));

    const a = await provider.resolveTarget(world.a, 6);
    expect(a.id).toBe(world.a.eniId);
    expect(a.description).toContain(world.a.v6);
    const viaV4 = await provider.resolveTarget(
      { ...world.a, internalIps: [world.a.internalIps[0] ?? ""] },
      6,
    );
    expect(viaV4.id).toBe(world.a.eniId);
    const b = await provider.resolveTarget(world.b, 6);

    const cidr = "2001:db8:8::/64";
    const observed = async () =>
      (await provider.listTables())[0]?.routes.find((r) => r.cidr === cidr);
    const sdkV6Route = async () =>
      (await sdkTable(world.tableId)).Routes?.find((r) => r.DestinationIpv6CidrBlock === cidr);

    await provider.applyWrite(write(world.tableId, cidr, { target: a }));
    expect(await observed()).toMatchObject({ targetId: a.id, owner, exists: true });
    expect((await sdkV6Route())?.NetworkInterfaceId).toBe(a.id);
    expect(await sdkTag(world.tableId, ownerTag(cidr))).toBe("itest/vpn/openvpn");

    await provider.applyWrite(write(world.tableId, cidr, { kind: "replace", target: b }));
    expect(await observed()).toMatchObject({ targetId: b.id, owner, exists: true });

    await provider.applyWrite(
      write(world.tableId, cidr, { kind: "delete", target: undefined, routeExists: true }),
    );
    expect(await observed()).toBeUndefined();
    expect(await sdkV6Route()).toBeUndefined();
    expect(await sdkTag(world.tableId, ownerTag(cidr))).toBeUndefined();
  });
});
