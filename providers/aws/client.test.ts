import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { NotFoundError, ThrottledError } from "../../src/errors.js";
import { createEc2Port } from "./client.js";
import { awsErrorCode, toAwsError } from "./errors.js";
import type { Ec2Port } from "./port.js";

const xmlns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
const answers: Record<string, string> = {
  DescribeRouteTables: `<DescribeRouteTablesResponse ${xmlns}><routeTableSet><item><routeTableId>rtb-1</routeTableId><vpcId>vpc-1</vpcId><routeSet/><tagSet/></item></routeTableSet><nextToken>t2</nextToken></DescribeRouteTablesResponse>`,
  DescribeNetworkInterfaces: `<DescribeNetworkInterfacesResponse ${xmlns}><networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId></item></networkInterfaceSet></DescribeNetworkInterfacesResponse>`,
  DescribeVpcs: `<DescribeVpcsResponse ${xmlns}><vpcSet><item><vpcId>vpc-1</vpcId><cidrBlock>172.31.0.0/16</cidrBlock></item></vpcSet></DescribeVpcsResponse>`,
};
const writeAnswer = (action: string) =>
  `<${action}Response ${xmlns}><requestId>r</requestId><return>true</return></${action}Response>`;

let server: Server;
let bodies: URLSearchParams[];
let failWith: { status: number; code: string } | undefined;
let port: Ec2Port;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString());
      bodies.push(params);
      const action = params.get("Action") ?? "";
      if (failWith !== undefined) {
        res.writeHead(failWith.status);
        res.end(
          `<Response><Errors><Error><Code>${failWith.code}</Code><Message>m</Message></Error></Errors><RequestID>q</RequestID></Response>`,
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(answers[action] ?? writeAnswer(action));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = createEc2Port({
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    env: { AWS_USE_FIPS_ENDPOINT: "true" },
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  bodies = [];
  failWith = undefined;
});

/** The parameters of the one request made, without Action and Version. */
function sent(): Record<string, string> {
  expect(bodies).toHaveLength(1);
  const params = Object.fromEntries(bodies[0] ?? []);
  expect(params.Version).toBe("2016-11-15");
  delete params.Version;
  return params;
}

const filters = [{ name: "route-table-id", values: ["rtb-1", "rtb-2"] }];
const v4 = { tableId: "rtb-1", cidr: mustParseCidr("10.8.0.0/24") };
const v6 = { tableId: "rtb-1", cidr: mustParseCidr("fd00:8::/64") };

describe("createEc2Port", () => {
  it("describes route tables with filters, the page size and the token, and reads the page", async () => {
    const page = await port.describeRouteTables({ filters, nextToken: "t1" });
    expect(sent()).toEqual({
      Action: "DescribeRouteTables",
      "Filter.1.Name": "route-table-id",
      "Filter.1.Value.1": "rtb-1",
      "Filter.1.Value.2": "rtb-2",
      MaxResults: "100",
      NextToken: "t1",
    });
    expect(page).toEqual({
      items: [{ id: "rtb-1", vpcId: "vpc-1", routes: [], tags: [] }],
      nextToken: "t2",
    });
  });

  it("describes network interfaces and VPCs the same way, without a token on the first page", async () => {
    const enis = await port.describeNetworkInterfaces({ filters: [], nextToken: undefined });
    expect(sent()).toEqual({ Action: "DescribeNetworkInterfaces", MaxResults: "100" });
    expect(enis.items.map((e) => e.id)).toEqual(["eni-1"]);
    bodies = [];
    const vpcs = await port.describeVpcs({ filters, nextToken: undefined });
    expect(sent()).toMatchObject({ Action: "DescribeVpcs", "Filter.1.Value.2": "rtb-2" });
    expect(vpcs.items).toEqual([{ id: "vpc-1", cidrs: ["172.31.0.0/16"] }]);
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
    expect(sent()).toEqual(expected);
  });

  it("throws errors that the provider's mapping classifies by EC2 code and status", async () => {
    failWith = { status: 400, code: "InvalidRoute.NotFound" };
    const missing = await port.deleteRoute(v4).catch((e: unknown) => e);
    expect(awsErrorCode(missing)).toBe("InvalidRoute.NotFound");
    expect(toAwsError(missing, "DeleteRoute", "route")).toBeInstanceOf(NotFoundError);
    failWith = { status: 503, code: "RequestLimitExceeded" };
    const throttled = await port
      .describeVpcs({ filters: [], nextToken: undefined })
      .catch((e) => e);
    expect(toAwsError(throttled, "DescribeVpcs", "VPCs")).toBeInstanceOf(ThrottledError);
  });
});
