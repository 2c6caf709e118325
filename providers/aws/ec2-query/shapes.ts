import type {
  Ec2NetworkInterface,
  Ec2Page,
  Ec2Route,
  Ec2RouteTable,
  Ec2Tag,
  Ec2Vpc,
} from "../port.js";
import { childOf, itemsOf, textOf, type XmlElement } from "./xml.js";

/**
 * Readers of the three Describe answers (API version 2016-11-15), from XML to the port's plain
 * values. Element names are EC2's wire names (`routeTableSet`, `privateIpAddressesSet`...);
 * lists are `<item>` children; absent elements are undefined, as the SDK left them.
 */

/** EC2 writes booleans as `true` / `false`; anything else means the answer is not what we think. */
function booleanOf(element: XmlElement, name: string): boolean | undefined {
  const text = textOf(element, name);
  if (text === undefined) return undefined;
  if (text === "true" || text === "false") return text === "true";
  throw new Error(`EC2 answered ${name}=${JSON.stringify(text)}, not true or false`);
}

const page = <T>(
  response: XmlElement,
  listName: string,
  read: (item: XmlElement) => T[],
): Ec2Page<T> => ({
  items: itemsOf(response, listName).flatMap(read),
  nextToken: textOf(response, "nextToken"),
});

const tagsOf = (element: XmlElement): Ec2Tag[] =>
  itemsOf(element, "tagSet").flatMap((t) => {
    const key = textOf(t, "key");
    return key === undefined ? [] : [{ key, value: textOf(t, "value") ?? "" }];
  });

/** Whatever a route points at when it is not a node: gateway, NAT, transit gateway, peering... */
const otherTargets = [
  "gatewayId",
  "natGatewayId",
  "transitGatewayId",
  "vpcPeeringConnectionId",
  "egressOnlyInternetGatewayId",
  "localGatewayId",
  "carrierGatewayId",
  "coreNetworkArn",
  "odbNetworkArn",
] as const;

function routeOf(route: XmlElement): Ec2Route {
  return {
    destinationCidr: textOf(route, "destinationCidrBlock"),
    destinationIpv6Cidr: textOf(route, "destinationIpv6CidrBlock"),
    destinationPrefixListId: textOf(route, "destinationPrefixListId"),
    networkInterfaceId: textOf(route, "networkInterfaceId"),
    instanceId: textOf(route, "instanceId"),
    otherTargetId: otherTargets.map((name) => textOf(route, name)).find((id) => id !== undefined),
    state: textOf(route, "state"),
  };
}

function routeTableOf(table: XmlElement): Ec2RouteTable[] {
  const id = textOf(table, "routeTableId");
  if (id === undefined) return [];
  return [
    {
      id,
      vpcId: textOf(table, "vpcId"),
      routes: itemsOf(table, "routeSet").map(routeOf),
      tags: tagsOf(table),
    },
  ];
}

function interfaceOf(eni: XmlElement): Ec2NetworkInterface[] {
  const id = textOf(eni, "networkInterfaceId");
  if (id === undefined) return [];
  const texts = (listName: string, name: string) =>
    itemsOf(eni, listName).flatMap((item) => {
      const text = textOf(item, name);
      return text === undefined ? [] : [text];
    });
  return [
    {
      id,
      instanceId: textOf(childOf(eni, "attachment"), "instanceId"),
      vpcId: textOf(eni, "vpcId"),
      privateIps: texts("privateIpAddressesSet", "privateIpAddress"),
      ipv6Addresses: texts("ipv6AddressesSet", "ipv6Address"),
      sourceDestCheck: booleanOf(eni, "sourceDestCheck"),
    },
  ];
}

/** Ranges that are, or are becoming, part of the VPC; released and failed ones are left out. */
const inEffect = (state: string | undefined) =>
  state === undefined || state === "associated" || state === "associating";

function vpcOf(vpc: XmlElement): Ec2Vpc[] {
  const id = textOf(vpc, "vpcId");
  if (id === undefined) return [];
  const ranges = (listName: string, cidrName: string, stateName: string) =>
    itemsOf(vpc, listName).flatMap((a) => {
      const cidr = textOf(a, cidrName);
      const state = textOf(childOf(a, stateName), "state");
      return cidr !== undefined && inEffect(state) ? [cidr] : [];
    });
  const v4 = ranges("cidrBlockAssociationSet", "cidrBlock", "cidrBlockState");
  const v6 = ranges("ipv6CidrBlockAssociationSet", "ipv6CidrBlock", "ipv6CidrBlockState");
  const cidrBlock = textOf(vpc, "cidrBlock");
  const primary = cidrBlock !== undefined && !v4.includes(cidrBlock) ? [cidrBlock] : [];
  return [{ id, cidrs: [...primary, ...v4, ...v6] }];
}

/** One page of `<DescribeRouteTablesResponse>`. */
export const readRouteTablesPage = (response: XmlElement): Ec2Page<Ec2RouteTable> =>
  page(response, "routeTableSet", routeTableOf);

/** One page of `<DescribeNetworkInterfacesResponse>`. */
export const readNetworkInterfacesPage = (response: XmlElement): Ec2Page<Ec2NetworkInterface> =>
  page(response, "networkInterfaceSet", interfaceOf);

/** One page of `<DescribeVpcsResponse>`. */
export const readVpcsPage = (response: XmlElement): Ec2Page<Ec2Vpc> =>
  page(response, "vpcSet", vpcOf);
