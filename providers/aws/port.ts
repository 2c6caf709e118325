import type { Cidr } from "../../src/domain/cidr.js";

/**
 * A server-side Describe filter. As in the EC2 API, the values of one filter are ORed and
 * separate filters are ANDed, so selection happens in AWS, not after paging through everything.
 */
export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** A resource tag; ownership records are tags on route tables. */
export interface Ec2Tag {
  readonly key: string;
  readonly value: string;
}

/** One route of a route table, reduced to what listing and messages need. */
export interface Ec2Route {
  readonly destinationCidr: string | undefined;
  readonly destinationIpv6Cidr: string | undefined;
  /** Set for prefix-list routes, which the controller never manages. */
  readonly destinationPrefixListId: string | undefined;
  readonly networkInterfaceId: string | undefined;
  readonly instanceId: string | undefined;
  /** The gateway, NAT, transit gateway, peering... the route points at when it is not a node. */
  readonly otherTargetId: string | undefined;
  /** `active` or `blackhole`. */
  readonly state: string | undefined;
}

/** A route table with its routes and tags, as one DescribeRouteTables page returns it. */
export interface Ec2RouteTable {
  readonly id: string;
  readonly vpcId: string | undefined;
  readonly routes: readonly Ec2Route[];
  readonly tags: readonly Ec2Tag[];
}

/** A network interface: the thing AWS routes point at for a node. */
export interface Ec2NetworkInterface {
  readonly id: string;
  readonly instanceId: string | undefined;
  readonly vpcId: string | undefined;
  readonly privateIps: readonly string[];
  readonly ipv6Addresses: readonly string[];
  /** True drops packets not addressed to the interface (AWS default); undefined when not reported. */
  readonly sourceDestCheck: boolean | undefined;
}

/** A VPC's own address ranges (associated or being associated). */
export interface Ec2Vpc {
  readonly id: string;
  readonly cidrs: readonly string[];
}

/** One page of a paginated Describe call; each page is one EC2 call, counted as one. */
export interface Ec2Page<T> {
  readonly items: readonly T[];
  /** The token EC2 gave for the following page; undefined on the last page. */
  readonly nextToken: string | undefined;
}

/** The pages of one Describe, fetched one by one as they are iterated. */
export type Ec2Pages<T> = AsyncIterable<Ec2Page<T>>;

/** Identifies one route; the family of `cidr` picks DestinationCidrBlock or DestinationIpv6CidrBlock. */
export interface Ec2RouteKey {
  readonly tableId: string;
  readonly cidr: Cidr;
}

/** A route to a network interface, the only kind of route the controller writes. */
export interface Ec2RouteSpec extends Ec2RouteKey {
  readonly networkInterfaceId: string;
}

/**
 * The narrow port to EC2: exactly the nine calls the provider makes, in plain values, so that
 * everything but `client.ts` is tested against a hand-written fake. Describe calls return their
 * pages lazily (the SDK's paginators in production). Methods throw whatever the EC2 client
 * throws; `metered-port.ts` counts the calls, one per page, and maps those errors to typed ones.
 */
export interface Ec2Port {
  describeRouteTables(filters: readonly Ec2Filter[]): Ec2Pages<Ec2RouteTable>;
  describeNetworkInterfaces(filters: readonly Ec2Filter[]): Ec2Pages<Ec2NetworkInterface>;
  describeVpcs(filters: readonly Ec2Filter[]): Ec2Pages<Ec2Vpc>;
  createRoute(route: Ec2RouteSpec): Promise<void>;
  replaceRoute(route: Ec2RouteSpec): Promise<void>;
  deleteRoute(route: Ec2RouteKey): Promise<void>;
  createTags(resourceId: string, tags: readonly Ec2Tag[]): Promise<void>;
  deleteTags(resourceId: string, tags: readonly Ec2Tag[]): Promise<void>;
  setSourceDestCheck(networkInterfaceId: string, enabled: boolean): Promise<void>;
}

/** The EC2 API operation behind each port method, as metrics and IAM policies name it. */
export const ec2Operations = {
  describeRouteTables: "DescribeRouteTables",
  describeNetworkInterfaces: "DescribeNetworkInterfaces",
  describeVpcs: "DescribeVpcs",
  createRoute: "CreateRoute",
  replaceRoute: "ReplaceRoute",
  deleteRoute: "DeleteRoute",
  createTags: "CreateTags",
  deleteTags: "DeleteTags",
  setSourceDestCheck: "ModifyNetworkInterfaceAttribute",
} as const satisfies Record<keyof Ec2Port, string>;

/** Page size for Describe calls: the EC2 maximum for these operations, so fewest calls. */
export const describePageSize = 100;
