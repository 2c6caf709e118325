import {
  CreateRouteCommand,
  CreateTagsCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Filter,
  ModifyNetworkInterfaceAttributeCommand,
  type NetworkInterface,
  ReplaceRouteCommand,
  type Route,
  type RouteTable,
  type Tag,
  type Vpc,
} from "@aws-sdk/client-ec2";
import type { AwsCredentialIdentity } from "./options.js";
import {
  describePageSize,
  type Ec2Filter,
  type Ec2NetworkInterface,
  type Ec2Port,
  type Ec2Route,
  type Ec2RouteKey,
  type Ec2RouteTable,
  type Ec2Tag,
  type Ec2Vpc,
} from "./port.js";

/** How to reach EC2; everything else about the client is fixed here on purpose. */
export interface Ec2ClientSettings {
  readonly region: string;
  /** Endpoint override, for the LocalStack tests only. */
  readonly endpoint?: string | undefined;
  /** Static credentials for tests; production uses the SDK default chain (IRSA, Pod Identity...). */
  readonly credentials?: AwsCredentialIdentity | undefined;
}

/**
 * The only file that imports the EC2 SDK. `maxAttempts: 1` because retries belong to the
 * reconciler's applier, where they are counted, jittered and rate-limited in one place; request
 * timeouts throw (instead of the SDK's default warning) so a hung call becomes a TransientError.
 */
export function createEc2Port(settings: Ec2ClientSettings): Ec2Port {
  const client = new EC2Client({
    region: settings.region,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
    },
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  });
  return {
    async describeRouteTables({ filters, nextToken }) {
      const out = await client.send(
        new DescribeRouteTablesCommand({
          Filters: toFilters(filters),
          MaxResults: describePageSize,
          NextToken: nextToken,
        }),
      );
      return { items: (out.RouteTables ?? []).flatMap(toRouteTable), nextToken: out.NextToken };
    },
    async describeNetworkInterfaces({ filters, nextToken }) {
      const out = await client.send(
        new DescribeNetworkInterfacesCommand({
          Filters: toFilters(filters),
          MaxResults: describePageSize,
          NextToken: nextToken,
        }),
      );
      return {
        items: (out.NetworkInterfaces ?? []).flatMap(toInterface),
        nextToken: out.NextToken,
      };
    },
    async describeVpcs({ filters, nextToken }) {
      const out = await client.send(
        new DescribeVpcsCommand({
          Filters: toFilters(filters),
          MaxResults: describePageSize,
          NextToken: nextToken,
        }),
      );
      return { items: (out.Vpcs ?? []).flatMap(toVpc), nextToken: out.NextToken };
    },
    async createRoute(route) {
      await client.send(
        new CreateRouteCommand({
          ...destination(route),
          NetworkInterfaceId: route.networkInterfaceId,
        }),
      );
    },
    async replaceRoute(route) {
      await client.send(
        new ReplaceRouteCommand({
          ...destination(route),
          NetworkInterfaceId: route.networkInterfaceId,
        }),
      );
    },
    async deleteRoute(route) {
      await client.send(new DeleteRouteCommand(destination(route)));
    },
    async createTags(resourceId, tags) {
      await client.send(new CreateTagsCommand({ Resources: [resourceId], Tags: toTags(tags) }));
    },
    async deleteTags(resourceId, tags) {
      await client.send(new DeleteTagsCommand({ Resources: [resourceId], Tags: toTags(tags) }));
    },
    async setSourceDestCheck(networkInterfaceId, enabled) {
      await client.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: networkInterfaceId,
          SourceDestCheck: { Value: enabled },
        }),
      );
    },
  };
}

/** IPv6 CIDRs go in DestinationIpv6CidrBlock on every route call. */
function destination(route: Ec2RouteKey) {
  return route.cidr.family === 6
    ? { RouteTableId: route.tableId, DestinationIpv6CidrBlock: route.cidr.text }
    : { RouteTableId: route.tableId, DestinationCidrBlock: route.cidr.text };
}

const toFilters = (filters: readonly Ec2Filter[]): Filter[] =>
  filters.map((f) => ({ Name: f.name, Values: [...f.values] }));

const toTags = (tags: readonly Ec2Tag[]): Tag[] =>
  tags.map((t) => ({ Key: t.key, Value: t.value }));

const fromTags = (tags: Tag[] | undefined): Ec2Tag[] =>
  (tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [{ key: t.Key, value: t.Value ?? "" }]));

function toRouteTable(table: RouteTable): Ec2RouteTable[] {
  if (table.RouteTableId === undefined) return [];
  return [
    {
      id: table.RouteTableId,
      vpcId: table.VpcId,
      routes: (table.Routes ?? []).map(toRoute),
      tags: fromTags(table.Tags),
    },
  ];
}

function toRoute(route: Route): Ec2Route {
  return {
    destinationCidr: route.DestinationCidrBlock,
    destinationIpv6Cidr: route.DestinationIpv6CidrBlock,
    destinationPrefixListId: route.DestinationPrefixListId,
    networkInterfaceId: route.NetworkInterfaceId,
    instanceId: route.InstanceId,
    otherTargetId:
      route.GatewayId ??
      route.NatGatewayId ??
      route.TransitGatewayId ??
      route.VpcPeeringConnectionId ??
      route.EgressOnlyInternetGatewayId ??
      route.LocalGatewayId ??
      route.CarrierGatewayId ??
      route.CoreNetworkArn ??
      route.OdbNetworkArn,
    state: route.State,
  };
}

function toInterface(eni: NetworkInterface): Ec2NetworkInterface[] {
  if (eni.NetworkInterfaceId === undefined) return [];
  return [
    {
      id: eni.NetworkInterfaceId,
      instanceId: eni.Attachment?.InstanceId,
      vpcId: eni.VpcId,
      privateIps: (eni.PrivateIpAddresses ?? []).flatMap((a) =>
        a.PrivateIpAddress === undefined ? [] : [a.PrivateIpAddress],
      ),
      ipv6Addresses: (eni.Ipv6Addresses ?? []).flatMap((a) =>
        a.Ipv6Address === undefined ? [] : [a.Ipv6Address],
      ),
      sourceDestCheck: eni.SourceDestCheck,
    },
  ];
}

/** Ranges that are, or are becoming, part of the VPC; released and failed ones are left out. */
const inEffect = (state: string | undefined) =>
  state === undefined || state === "associated" || state === "associating";

function toVpc(vpc: Vpc): Ec2Vpc[] {
  if (vpc.VpcId === undefined) return [];
  const v4 = (vpc.CidrBlockAssociationSet ?? []).flatMap((a) =>
    a.CidrBlock !== undefined && inEffect(a.CidrBlockState?.State) ? [a.CidrBlock] : [],
  );
  const v6 = (vpc.Ipv6CidrBlockAssociationSet ?? []).flatMap((a) =>
    a.Ipv6CidrBlock !== undefined && inEffect(a.Ipv6CidrBlockState?.State) ? [a.Ipv6CidrBlock] : [],
  );
  const primary = vpc.CidrBlock !== undefined && !v4.includes(vpc.CidrBlock) ? [vpc.CidrBlock] : [];
  return [{ id: vpc.VpcId, cidrs: [...primary, ...v4, ...v6] }];
}
