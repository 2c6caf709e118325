import { ec2Endpoint, endpointVariants } from "./ec2-query/endpoint.js";
import { filterParams, type QueryParams, tagParams } from "./ec2-query/params.js";
import { createEc2Transport } from "./ec2-query/request.js";
import {
  readNetworkInterfacesPage,
  readRouteTablesPage,
  readVpcsPage,
} from "./ec2-query/shapes.js";
import { createEc2Signer } from "./ec2-query/sign.js";
import type { AwsCredentialIdentity } from "./options.js";
import { describePageSize, type Ec2PageRequest, type Ec2Port, type Ec2RouteKey } from "./port.js";

/** How to reach EC2; everything else about the client is fixed here on purpose. */
export interface Ec2ClientSettings {
  readonly region: string;
  /** Endpoint override, for the LocalStack tests only. */
  readonly endpoint?: string | undefined;
  /** Static credentials for tests; production uses the AWS default chain (IRSA, Pod Identity...). */
  readonly credentials?: AwsCredentialIdentity | undefined;
  /** Where `AWS_USE_FIPS_ENDPOINT` / `AWS_USE_DUALSTACK_ENDPOINT` are read; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A connection that is not up in 3 s is not coming; the applier retries elsewhere in time. */
const connectTimeoutMs = 3_000;
/** The longest a call may take end to end before it becomes a (retryable) TimeoutError. */
const requestTimeoutMs = 10_000;

/**
 * The only file that calls EC2, through the small Query API client in ec2-query/ rather than
 * @aws-sdk/client-ec2 (about 90 MB of memory for its ~700 operations). One attempt per call: retries belong to the reconciler's applier, where they
 * are counted, jittered and rate-limited in one place. Each `send("Action", ...)` below names
 * the IAM action it needs; test/unit/iam-aws.test.ts reads them from this file.
 */
export function createEc2Port(settings: Ec2ClientSettings): Ec2Port {
  const ec2 = createEc2Transport({
    endpoint: ec2Endpoint(
      settings.region,
      settings.endpoint,
      endpointVariants(settings.env ?? process.env),
    ),
    signer: createEc2Signer({ region: settings.region, credentials: settings.credentials }),
    connectTimeoutMs,
    requestTimeoutMs,
  });
  return {
    async describeRouteTables(request) {
      return readRouteTablesPage(await ec2.send("DescribeRouteTables", pageParams(request)));
    },
    async describeNetworkInterfaces(request) {
      return readNetworkInterfacesPage(
        await ec2.send("DescribeNetworkInterfaces", pageParams(request)),
      );
    },
    async describeVpcs(request) {
      return readVpcsPage(await ec2.send("DescribeVpcs", pageParams(request)));
    },
    async createRoute(route) {
      await ec2.send("CreateRoute", {
        ...destination(route),
        NetworkInterfaceId: route.networkInterfaceId,
      });
    },
    async replaceRoute(route) {
      await ec2.send("ReplaceRoute", {
        ...destination(route),
        NetworkInterfaceId: route.networkInterfaceId,
      });
    },
    async deleteRoute(route) {
      await ec2.send("DeleteRoute", destination(route));
    },
    async createTags(resourceId, tags) {
      await ec2.send("CreateTags", { "ResourceId.1": resourceId, ...tagParams(tags) });
    },
    async deleteTags(resourceId, tags) {
      await ec2.send("DeleteTags", { "ResourceId.1": resourceId, ...tagParams(tags) });
    },
    async setSourceDestCheck(networkInterfaceId, enabled) {
      await ec2.send("ModifyNetworkInterfaceAttribute", {
        NetworkInterfaceId: networkInterfaceId,
        "SourceDestCheck.Value": String(enabled),
      });
    },
  };
}

/** Filters, the largest page EC2 allows, and the token of the page wanted. */
const pageParams = ({ filters, nextToken }: Ec2PageRequest): QueryParams => ({
  ...filterParams(filters),
  MaxResults: String(describePageSize),
  NextToken: nextToken,
});

/** IPv6 CIDRs go in DestinationIpv6CidrBlock on every route call. */
const destination = (route: Ec2RouteKey): QueryParams =>
  route.cidr.family === 6
    ? { RouteTableId: route.tableId, DestinationIpv6CidrBlock: route.cidr.text }
    : { RouteTableId: route.tableId, DestinationCidrBlock: route.cidr.text };
