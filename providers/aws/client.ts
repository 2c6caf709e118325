import {
  CreateRouteCommand,
  CreateTagsCommand,
  DeleteRouteCommand,
  DeleteTagsCommand,
  EC2Client,
  type Filter,
  ModifyNetworkInterfaceAttributeCommand,
  type NetworkInterface,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeVpcs,
  ReplaceRouteCommand,
  type Route,
  type RouteTable,
  type Tag,
  type Vpc,
} from "@aws-sdk/client-ec2";
import { BoundedHttpHandler } from "./bounded-handler.js";
import type { AwsCredentialIdentity } from "./options.js";
import {
  describePageSize,
  type Ec2Filter,
  type Ec2NetworkInterface,
  type Ec2Page,
  type Ec2Pages,
  type Ec2Port,
  type Ec2Route,
  type Ec2RouteKey,
  type Ec2RouteTable,
  type Ec2Tag,
  type Ec2Vpc,
} from "./port.js";

/** What the caller chooses; everything else about the client is fixed here on purpose. */
export interface Ec2ClientSettings {
  /** Undefined: the SDK's own lookup (AWS_REGION, the shared config file's `region`, IMDS). */
  readonly region?: string | undefined;
  /** `--aws-endpoint`; undefined: the SDK's chain (AWS_ENDPOINT_URL_EC2, shared config...). */
  readonly endpoint?: string | undefined;
  /** Static credentials for tests; production uses the SDK's default chain (IRSA, Pod Identity...). */
  readonly credentials?: AwsCredentialIdentity | undefined;
}

/** The port, and the region the SDK settled on (for messages and the start-up check). */
export interface Ec2Connection {
  readonly port: Ec2Port;
  /** Rejects with the SDK's own error when no region is configured anywhere. */
  region(): Promise<string>;
}

/** A connection that is not up in 3 s is not coming; the applier retries elsewhere in time. */
const connectTimeoutMs = 3_000;
/** The longest a call may take end to end before it becomes a (retryable) TimeoutError. */
const requestTimeoutMs = 10_000;
/**
 * What an answer may hold: a page of 100 route tables with 50 routes and 50 tags each is about
 * 2 MB (5.7 MB of such tables measured 58 MB of heap), and no EC2 field is near 64 KiB.
 */
const responseBounds = { maxBytes: 8 * 2 ** 20, maxTextBytes: 64 * 2 ** 10 };

/**
 * The only file that imports the EC2 SDK (bounded-handler.ts extends its HTTP handler). Region,
 * credentials and endpoint come from the SDK's chains unless given. `maxAttempts: 1` because
 * retries belong to the reconciler's applier, where they are counted, jittered and rate-limited
 * in one place; a request timeout throws (instead of the SDK's default warning) so a hung call
 * becomes a TransientError. Each `new XCommand` and `paginateX` below is an IAM action;
 * test/unit/iam-aws.test.ts reads them from this file.
 */
export function createEc2Client(settings: Ec2ClientSettings): Ec2Connection {
  const client = new EC2Client({
    maxAttempts: 1,
    requestHandler: new BoundedHttpHandler({
      connectionTimeout: connectTimeoutMs,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      ...responseBounds,
    }),
    ...(settings.region === undefined ? {} : { region: settings.region }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  });
  const paging = { client, pageSize: describePageSize };
  const port: Ec2Port = {
    describeRouteTables: (filters) =>
      pagesOf(paginateDescribeRouteTables(paging, { Filters: toFilters(filters) }), (out) => ({
        items: (out.RouteTables ?? []).flatMap(readRouteTable),
        nextToken: out.NextToken,
      })),
    describeNetworkInterfaces: (filters) =>
      pagesOf(
        paginateDescribeNetworkInterfaces(paging, { Filters: toFilters(filters) }),
        (out) => ({
          items: (out.NetworkInterfaces ?? []).flatMap(readInterface),
          nextToken: out.NextToken,
        }),
      ),
    describeVpcs: (filters) =>
      pagesOf(paginateDescribeVpcs(paging, { Filters: toFilters(filters) }), (out) => ({
        items: (out.Vpcs ?? []).flatMap(readVpc),
        nextToken: out.NextToken,
      })),
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
  return { port, region: () => client.config.region() };
}

/** The SDK's pages, each read into the port's plain values; an empty token means the last page. */
async function* pagesOf<Out, T>(
  pages: AsyncIterable<Out>,
  read: (out: Out) => Ec2Page<T>,
): Ec2Pages<T> {
  for await (const out of pages) {
    const page = read(out);
    yield page.nextToken === "" ? { ...page, nextToken: undefined } : page;
  }
}

/** IPv6 CIDRs go in DestinationIpv6CidrBlock on every route call. */
const destination = (route: Ec2RouteKey) =>
  route.cidr.family === 6
    ? { RouteTableId: route.tableId, DestinationIpv6CidrBlock: route.cidr.text }
    : { RouteTableId: route.tableId, DestinationCidrBlock: route.cidr.text };

const toFilters = (filters: readonly Ec2Filter[]): Filter[] =>
  filters.map((f) => ({ Name: f.name, Values: [...f.values] }));

const toTags = (tags: readonly Ec2Tag[]): Tag[] =>
  tags.map((t) => ({ Key: t.key, Value: t.value }));

const fromTags = (tags: Tag[] | undefined): Ec2Tag[] =>
  (tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [{ key: t.Key, value: t.Value ?? "" }]));

function readRouteTable(table: RouteTable): Ec2RouteTable[] {
  if (table.RouteTableId === undefined) return [];
  const routes = (table.Routes ?? []).map(readRoute);
  return [{ id: table.RouteTableId, vpcId: table.VpcId, routes, tags: fromTags(table.Tags) }];
}

function readRoute(route: Route): Ec2Route {
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

const texts = (values: readonly (string | undefined)[]): string[] =>
  values.flatMap((v) => (v === undefined ? [] : [v]));

function readInterface(eni: NetworkInterface): Ec2NetworkInterface[] {
  if (eni.NetworkInterfaceId === undefined) return [];
  return [
    {
      id: eni.NetworkInterfaceId,
      instanceId: eni.Attachment?.InstanceId,
      vpcId: eni.VpcId,
      privateIps: texts((eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress)),
      ipv6Addresses: texts((eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address)),
      sourceDestCheck: eni.SourceDestCheck,
    },
  ];
}

/** Ranges that are, or are becoming, part of the VPC; released and failed ones are left out. */
const inEffect = (state: string | undefined) =>
  state === undefined || state === "associated" || state === "associating";

function readVpc(vpc: Vpc): Ec2Vpc[] {
  if (vpc.VpcId === undefined) return [];
  const v4 = (vpc.CidrBlockAssociationSet ?? []).map((a) =>
    inEffect(a.CidrBlockState?.State) ? a.CidrBlock : undefined,
  );
  const v6 = (vpc.Ipv6CidrBlockAssociationSet ?? []).map((a) =>
    inEffect(a.Ipv6CidrBlockState?.State) ? a.Ipv6CidrBlock : undefined,
  );
  const primary = v4.includes(vpc.CidrBlock) ? undefined : vpc.CidrBlock;
  return [{ id: vpc.VpcId, cidrs: texts([primary, ...v4, ...v6]) }];
}
