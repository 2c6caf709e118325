import { describe, expect, it } from "vitest";
import { readNetworkInterfacesPage, readRouteTablesPage, readVpcsPage } from "./shapes.js";
import { parseXml } from "./xml.js";

const xmlns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';

describe("readRouteTablesPage", () => {
  const answer = parseXml(`<DescribeRouteTablesResponse ${xmlns}>
  <requestId>r-1</requestId>
  <routeTableSet>
    <item>
      <routeTableId>rtb-0a</routeTableId>
      <vpcId>vpc-1</vpcId>
      <ownerId>111122223333</ownerId>
      <routeSet>
        <item><destinationCidrBlock>172.31.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item>
        <item><destinationCidrBlock>10.8.0.0/24</destinationCidrBlock><instanceId>i-1</instanceId><networkInterfaceId>eni-1</networkInterfaceId><state>active</state></item>
        <item><destinationIpv6CidrBlock>fd00:8::/64</destinationIpv6CidrBlock><networkInterfaceId>eni-1</networkInterfaceId><state>blackhole</state></item>
        <item><destinationPrefixListId>pl-1</destinationPrefixListId><transitGatewayId>tgw-1</transitGatewayId><state>active</state></item>
        <item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><natGatewayId>nat-1</natGatewayId><state>active</state></item>
      </routeSet>
      <associationSet/>
      <propagatingVgwSet/>
      <tagSet>
        <item><key>vpc-route-sync.io/route/10.8.0.0/24</key><value>c1/vpn/openvpn</value></item>
        <item><key>Name</key><value>a &amp; b</value></item>
        <item><key>empty</key><value/></item>
      </tagSet>
    </item>
    <item><vpcId>vpc-without-id</vpcId></item>
  </routeTableSet>
  <nextToken>token-2</nextToken>
</DescribeRouteTablesResponse>`);

  it("reads tables, routes by destination family and target, tags and the next token", () => {
    const page = readRouteTablesPage(answer);
    expect(page.nextToken).toBe("token-2");
    expect(page.items).toHaveLength(1);
    const [table] = page.items;
    expect(table?.id).toBe("rtb-0a");
    expect(table?.vpcId).toBe("vpc-1");
    expect(table?.tags).toEqual([
      { key: "vpc-route-sync.io/route/10.8.0.0/24", value: "c1/vpn/openvpn" },
      { key: "Name", value: "a & b" },
      { key: "empty", value: "" },
    ]);
    expect(table?.routes).toEqual([
      {
        destinationCidr: "172.31.0.0/16",
        destinationIpv6Cidr: undefined,
        destinationPrefixListId: undefined,
        networkInterfaceId: undefined,
        instanceId: undefined,
        otherTargetId: "local",
        state: "active",
      },
      {
        destinationCidr: "10.8.0.0/24",
        destinationIpv6Cidr: undefined,
        destinationPrefixListId: undefined,
        networkInterfaceId: "eni-1",
        instanceId: "i-1",
        otherTargetId: undefined,
        state: "active",
      },
      {
        destinationCidr: undefined,
        destinationIpv6Cidr: "fd00:8::/64",
        destinationPrefixListId: undefined,
        networkInterfaceId: "eni-1",
        instanceId: undefined,
        otherTargetId: undefined,
        state: "blackhole",
      },
      expect.objectContaining({ destinationPrefixListId: "pl-1", otherTargetId: "tgw-1" }),
      expect.objectContaining({ destinationCidr: "0.0.0.0/0", otherTargetId: "nat-1" }),
    ]);
  });

  it("reads the last page, which has no next token, and an empty result", () => {
    const page = readRouteTablesPage(
      parseXml(`<DescribeRouteTablesResponse><routeTableSet/></DescribeRouteTablesResponse>`),
    );
    expect(page).toEqual({ items: [], nextToken: undefined });
  });
});

describe("readNetworkInterfacesPage", () => {
  const eni = (sourceDestCheck: string) =>
    parseXml(`<DescribeNetworkInterfacesResponse ${xmlns}>
  <networkInterfaceSet>
    <item>
      <networkInterfaceId>eni-1</networkInterfaceId>
      <subnetId>subnet-1</subnetId>
      <vpcId>vpc-1</vpcId>
      <privateIpAddress>172.31.0.4</privateIpAddress>
      ${sourceDestCheck}
      <groupSet><item><groupId>sg-1</groupId><groupName>default</groupName></item></groupSet>
      <attachment><attachmentId>eni-attach-1</attachmentId><instanceId>i-1</instanceId><deviceIndex>0</deviceIndex></attachment>
      <privateIpAddressesSet>
        <item><privateIpAddress>172.31.0.4</privateIpAddress><primary>true</primary></item>
        <item><privateIpAddress>172.31.0.5</privateIpAddress><primary>false</primary></item>
      </privateIpAddressesSet>
      <ipv6AddressesSet><item><ipv6Address>2600:1f18::4</ipv6Address></item></ipv6AddressesSet>
      <tagSet/>
    </item>
  </networkInterfaceSet>
</DescribeNetworkInterfacesResponse>`);

  it("reads the interface, its instance, every private IPv4 and IPv6 address and the check", () => {
    const page = readNetworkInterfacesPage(eni("<sourceDestCheck>false</sourceDestCheck>"));
    expect(page).toEqual({
      items: [
        {
          id: "eni-1",
          instanceId: "i-1",
          vpcId: "vpc-1",
          privateIps: ["172.31.0.4", "172.31.0.5"],
          ipv6Addresses: ["2600:1f18::4"],
          sourceDestCheck: false,
        },
      ],
      nextToken: undefined,
    });
  });

  it.each([
    ["<sourceDestCheck>true</sourceDestCheck>", true],
    ["", undefined],
  ])("reads the source/destination check %s as %s", (element, expected) => {
    expect(readNetworkInterfacesPage(eni(element)).items[0]?.sourceDestCheck).toBe(expected);
  });

  it("refuses a boolean that is neither true nor false", () => {
    expect(() => readNetworkInterfacesPage(eni("<sourceDestCheck>yes</sourceDestCheck>"))).toThrow(
      /sourceDestCheck="yes"/,
    );
  });
});

describe("readVpcsPage", () => {
  it("reads the primary and associated ranges of both families, leaving out released ones", () => {
    const page = readVpcsPage(
      parseXml(`<DescribeVpcsResponse ${xmlns}>
  <vpcSet>
    <item>
      <vpcId>vpc-1</vpcId>
      <state>available</state>
      <cidrBlock>172.31.0.0/16</cidrBlock>
      <cidrBlockAssociationSet>
        <item><cidrBlock>172.31.0.0/16</cidrBlock><associationId>a1</associationId><cidrBlockState><state>associated</state></cidrBlockState></item>
        <item><cidrBlock>100.64.0.0/16</cidrBlock><cidrBlockState><state>associating</state></cidrBlockState></item>
        <item><cidrBlock>192.168.0.0/16</cidrBlock><cidrBlockState><state>disassociated</state></cidrBlockState></item>
      </cidrBlockAssociationSet>
      <ipv6CidrBlockAssociationSet>
        <item><ipv6CidrBlock>2600:1f18::/56</ipv6CidrBlock><ipv6CidrBlockState><state>associated</state></ipv6CidrBlockState></item>
        <item><ipv6CidrBlock>2600:1f19::/56</ipv6CidrBlock><ipv6CidrBlockState><state>failed</state></ipv6CidrBlockState></item>
      </ipv6CidrBlockAssociationSet>
      <isDefault>false</isDefault>
    </item>
    <item>
      <vpcId>vpc-2</vpcId>
      <cidrBlock>10.0.0.0/16</cidrBlock>
    </item>
  </vpcSet>
  <nextToken>n</nextToken>
</DescribeVpcsResponse>`),
    );
    expect(page).toEqual({
      items: [
        { id: "vpc-1", cidrs: ["172.31.0.0/16", "100.64.0.0/16", "2600:1f18::/56"] },
        { id: "vpc-2", cidrs: ["10.0.0.0/16"] },
      ],
      nextToken: "n",
    });
  });
});
