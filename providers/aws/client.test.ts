import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { NotFoundError, ThrottledError, TransientError } from "../../src/errors.js";
import { createEc2Client } from "./client.js";
import { awsErrorCode, toAwsError } from "./errors.js";
import { collectPages } from "./paginate.js";
import type { Ec2Port } from "./port.js";

/**
 * The SDK client against a small EC2 stand-in on loopback: what goes on the wire (the SDK's
 * serialisation of our inputs), how answers are read back into the port's values, and how the
 * SDK's errors classify. The same client is exercised against LocalStack in test/integration.
 */
const xmlns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
const tablesPage = (id: string, next: string | undefined) =>
  `<DescribeRouteTablesResponse ${xmlns}><requestId>r</requestId><routeTableSet><item><routeTableId>${id}</routeTableId><vpcId>vpc-1</vpcId><routeSet><item><destinationCidrBlock>10.8.0.0/24</destinationCidrBlock><networkInterfaceId>eni-1</networkInterfaceId><state>active</state></item><item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><gatewayId>igw-1</gatewayId><state>active</state></item></routeSet><tagSet><item><key>k</key><value>v</value></item></tagSet></item></routeTableSet>${next === undefined ? "" : `<nextToken>${next}</nextToken>`}</DescribeRouteTablesResponse>`;
const answers: Record<string, (params: URLSearchParams) => string> = {
  DescribeRouteTables: (p) =>
    p.get("NextToken") === null ? tablesPage("rtb-1", "t2") : tablesPage("rtb-2", undefined),
  DescribeNetworkInterfaces: () =>
    `<DescribeNetworkInterfacesResponse ${xmlns}><networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><vpcId>vpc-1</vpcId><attachment><instanceId>i-1</instanceId></attachment><privateIpAddressesSet><item><privateIpAddress>172.31.0.10</privateIpAddress></item></privateIpAddressesSet><ipv6AddressesSet><item><ipv6Address>2600:1f18::a</ipv6Address></item></ipv6AddressesSet><sourceDestCheck>true</sourceDestCheck></item></networkInterfaceSet></DescribeNetworkInterfacesResponse>`,
  DescribeVpcs: () =>
    `<DescribeVpcsResponse ${xmlns}><vpcSet><item><vpcId>vpc-1</vpcId><cidrBlock>172.31.0.0/16</cidrBlock><cidrBlockAssociationSet><item><cidrBlock>172.31.0.0/16</cidrBlock><cidrBlockState><state>associated</state></cidrBlockState></item><item><cidrBlock>100.64.0.0/16</cidrBlock><cidrBlockState><state>disassociated</state></cidrBlockState></item></cidrBlockAssociationSet></item></vpcSet></DescribeVpcsResponse>`,
};
const writeAnswer = (action: string) =>
  `<${action}Response ${xmlns}><requestId>r</requestId><return>true</return></${action}Response>`;
const errorDocument = (code: string) =>
  `<Response><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors><RequestID>q</RequestID></Response>`;

let server: Server;
let url: string;
let bodies: URLSearchParams[];
let failWith: { status: number; body: string } | undefined;
let port: Ec2Port;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString());
      bodies.push(params);
      if (failWith !== undefined) {
        res.writeHead(failWith.status);
        res.end(failWith.body);
        return;
      }
      const action = params.get("Action") ?? "";
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(answers[action]?.(params) ?? writeAnswer(action));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  port = createEc2Client({
    region: "us-east-1",
    endpoint: url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  }).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  bodies = [];
  failWith = undefined;
});

/** The parameters of each request made, without Version. */
function sent(): Record<string, string>[] {
  return bodies.map((body) => {
    const params = Object.fromEntries(body);
    expect(params.Version).toBe("2016-11-15");
    delete params.Version;
    return params;
  });
}

const filters = [{ name: "route-table-id", values: ["rtb-1", "rtb-2"] }];
const v4 = { tableId: "rtb-1", cidr: mustParseCidr("10.8.0.0/24") };
const v6 = { tableId: "rtb-1", cidr: mustParseCidr("fd00:8::/64") };

describe("createEc2Client", () => {
  it("pages route tables with the SDK's paginator: filters, page size, then the token", async () => {
    const tables = await collectPages(port.describeRouteTables(filters));
    const query = {
      Action: "DescribeRouteTables",
      "Filter.1.Name": "route-table-id",
      "Filter.1.Value.1": "rtb-1",
      "Filter.1.Value.2": "rtb-2",
      MaxResults: "100",
    };
    expect(sent()).toEqual([query, { ...query, NextToken: "t2" }]);
    expect(tables.map((t) => t.id)).toEqual(["rtb-1", "rtb-2"]);
    expect(tables[0]).toEqual({
      id: "rtb-1",
      vpcId: "vpc-1",
      routes: [
        expect.objectContaining({ destinationCidr: "10.8.0.0/24", networkInterfaceId: "eni-1" }),
        expect.objectContaining({ destinationCidr: "0.0.0.0/0", otherTargetId: "igw-1" }),
      ],
      tags: [{ key: "k", value: "v" }],
    });
  });

  it("reads network interfaces and the VPC ranges in effect", async () => {
    const enis = await collectPages(port.describeNetworkInterfaces([]));
    expect(sent()).toEqual([{ Action: "DescribeNetworkInterfaces", MaxResults: "100" }]);
    expect(enis).toEqual([
      {
        id: "eni-1",
        instanceId: "i-1",
        vpcId: "vpc-1",
        privateIps: ["172.31.0.10"],
        ipv6Addresses: ["2600:1f18::a"],
        sourceDestCheck: true,
      },
    ]);
    const vpcs = await collectPages(port.describeVpcs([{ name: "vpc-id", values: ["vpc-1"] }]));
    expect(vpcs).toEqual([{ id: "vpc-1", cidrs: ["172.31.0.0/16"] }]);
  });

  it.each([
    [
      "creates an IPv4 route",
      (p: Ec2Port) => p.createRoute({ ...v4, networkInterfaceId: "eni-1" }),
      {
        Action: "CreateRoute",
        RouteTableId: "rtb-1",
        DestinationCidrBlock: "10.8.0.0/24",
        NetworkInterfaceId: "eni-1",
      },
    ],
    [
      "replaces an IPv6 route",
      (p: Ec2Port) => p.replaceRoute({ ...v6, networkInterfaceId: "eni-2" }),
      {
        Action: "ReplaceRoute",
        RouteTableId: "rtb-1",
        DestinationIpv6CidrBlock: "fd00:8::/64",
        NetworkInterfaceId: "eni-2",
      },
    ],
    [
      "deletes an IPv6 route",
      (p: Ec2Port) => p.deleteRoute(v6),
      { Action: "DeleteRoute", RouteTableId: "rtb-1", DestinationIpv6CidrBlock: "fd00:8::/64" },
    ],
    [
      "writes tags",
      (p: Ec2Port) => p.createTags("rtb-1", [{ key: "vpc-route-sync.io/route/x", value: "c/n/s" }]),
      {
        Action: "CreateTags",
        "ResourceId.1": "rtb-1",
        "Tag.1.Key": "vpc-route-sync.io/route/x",
        "Tag.1.Value": "c/n/s",
      },
    ],
    [
      "deletes tags by key and value",
      (p: Ec2Port) => p.deleteTags("rtb-1", [{ key: "k", value: "v" }]),
      { Action: "DeleteTags", "ResourceId.1": "rtb-1", "Tag.1.Key": "k", "Tag.1.Value": "v" },
    ],
    [
      "turns the source/destination check off",
      (p: Ec2Port) => p.setSourceDestCheck("eni-1", false),
      {
        Action: "ModifyNetworkInterfaceAttribute",
        NetworkInterfaceId: "eni-1",
        "SourceDestCheck.Value": "false",
      },
    ],
  ])("%s with exactly the EC2 parameters", async (_, call, expected) => {
    await call(port);
    expect(sent()).toEqual([expected]);
  });

  it.each([
    [
      "InvalidRoute.NotFound (HTTP 400)",
      400,
      errorDocument("InvalidRoute.NotFound"),
      NotFoundError,
    ],
    ["RequestLimitExceeded (HTTP 503)", 503, errorDocument("RequestLimitExceeded"), ThrottledError],
    [
      "a proxy's HTML page (HTTP 502)",
      502,
      "<html><body>Bad Gateway</body></html>",
      TransientError,
    ],
    ["a broken 2xx answer", 200, "<DescribeVpcsResponse><vpcSet>", TransientError],
  ])(
    "makes one attempt and throws an error the mapping classifies: %s",
    async (_, status, body, type) => {
      failWith = { status, body };
      const error = await collectPages(port.describeVpcs([])).catch((e: unknown) => e);
      expect(bodies).toHaveLength(1);
      expect(toAwsError(error, "DescribeVpcs", "VPCs")).toBeInstanceOf(type);
    },
  );

  it("names EC2's error code as the SDK reports it", async () => {
    failWith = { status: 400, body: errorDocument("InvalidRoute.NotFound") };
    const error = await port.deleteRoute(v4).catch((e: unknown) => e);
    expect(awsErrorCode(error)).toBe("InvalidRoute.NotFound");
  });
});
