import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateRouteCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toAwsError } from "../../providers/aws/errors.js";
import { ThrottledError, TransientError } from "../../src/errors.js";
import { ec2Faults, type FaultProxy, startFaultProxy } from "./fault-proxy.js";

/** What the stand-in EC2 upstream received. */
interface Received {
  readonly action: string;
  readonly host: string | undefined;
  readonly authorization: string | undefined;
}

const xmlns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
const answers: Record<string, string> = {
  DescribeVpcs: `<DescribeVpcsResponse ${xmlns}><requestId>r-1</requestId><vpcSet><item><vpcId>vpc-0abc</vpcId><cidrBlock>172.31.0.0/16</cidrBlock></item></vpcSet></DescribeVpcsResponse>`,
  CreateRoute: `<CreateRouteResponse ${xmlns}><requestId>r-2</requestId><return>true</return></CreateRouteResponse>`,
};

let upstream: Server;
let received: Received[];
let proxy: FaultProxy;
let ec2: EC2Client;

beforeEach(async () => {
  received = [];
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString()).get("Action") ?? "";
      received.push({ action, host: req.headers.host, authorization: req.headers.authorization });
      res.writeHead(200, { "content-type": "text/xml;charset=UTF-8" });
      res.end(answers[action] ?? "");
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const { port } = upstream.address() as AddressInfo;
  proxy = await startFaultProxy(`http://127.0.0.1:${port}`);
  ec2 = new EC2Client({
    endpoint: proxy.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  ec2.destroy();
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const createRoute = () =>
  ec2.send(
    new CreateRouteCommand({
      RouteTableId: "rtb-0abc",
      DestinationCidrBlock: "10.8.0.0/24",
      NetworkInterfaceId: "eni-0abc",
    }),
  );

/** A raw POST through the proxy that gives up after `timeoutMs`; resolves with how it ended. */
function rawCall(action: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request(`${proxy.url}/`, { method: "POST", timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(`status ${res.statusCode}`));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve("timed out");
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(`Action=${action}&Version=2016-11-15`);
  });
}

describe("the EC2 fault proxy", () => {
  it("forwards calls unchanged, signature headers included, and counts them by Action", async () => {
    const out = await ec2.send(new DescribeVpcsCommand({}));
    await createRoute();
    expect(out.Vpcs?.[0]?.VpcId).toBe("vpc-0abc");
    expect(received.map((r) => r.action)).toEqual(["DescribeVpcs", "CreateRoute"]);
    expect(received[0]?.host).toBe(new URL(proxy.url).host);
    expect(received[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(proxy.counts()).toEqual({ DescribeVpcs: 1, CreateRoute: 1 });
    expect(proxy.calls()).toEqual([
      { action: "DescribeVpcs", status: 200, faulted: false },
      { action: "CreateRoute", status: 200, faulted: false },
    ]);
  });

  it("answers the next N calls of one Action with RequestLimitExceeded, which the SDK and the AWS provider read as throttling", async () => {
    proxy.failNext("CreateRoute", ec2Faults.throttle(), 2);
    await ec2.send(new DescribeVpcsCommand({}));
    const errors = [
      await createRoute().catch((e: unknown) => e),
      await createRoute().catch((e) => e),
    ];
    await createRoute();
    for (const error of errors) {
      expect(error).toMatchObject({
        name: "RequestLimitExceeded",
        message: "Request limit exceeded.",
        $metadata: { httpStatusCode: 503 },
      });
      expect(toAwsError(error, "CreateRoute", "rtb-0abc")).toBeInstanceOf(ThrottledError);
    }
    expect(received.map((r) => r.action)).toEqual(["DescribeVpcs", "CreateRoute"]);
    expect(proxy.count("CreateRoute")).toBe(3);
    expect(proxy.faulted("CreateRoute")).toBe(2);
    expect(proxy.faulted()).toBe(2);
  });

  it("answers 500 InternalError in EC2's shape, read as a transient failure", async () => {
    proxy.failNext("DescribeVpcs", ec2Faults.internalError());
    const error = await ec2.send(new DescribeVpcsCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InternalError", $metadata: { httpStatusCode: 500 } });
    expect(toAwsError(error, "DescribeVpcs", "vpc")).toBeInstanceOf(TransientError);
    expect(received).toEqual([]);
  });

  it("lets an afterForward fault reach EC2 first, so the call takes effect but its answer is lost", async () => {
    proxy.failNext("CreateRoute", { ...ec2Faults.unavailable(), afterForward: true });
    const error = await createRoute().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "Unavailable", $metadata: { httpStatusCode: 503 } });
    expect(received.map((r) => r.action)).toEqual(["CreateRoute"]);
  });

  it("holds a call until the client gives up, without reaching EC2", async () => {
    proxy.failNext("DescribeVpcs", ec2Faults.hold());
    expect(await rawCall("DescribeVpcs", 150)).toBe("timed out");
    expect(proxy.calls()).toEqual([{ action: "DescribeVpcs", status: 0, faulted: true }]);
    expect(await rawCall("DescribeVpcs", 2_000)).toBe("status 200");
    expect(received.map((r) => r.action)).toEqual(["DescribeVpcs"]);
  });

  it("resets a held call after holdMs, and a reset fault drops the connection at once", async () => {
    proxy.failNext("DescribeVpcs", ec2Faults.hold(50));
    proxy.failNext("CreateRoute", ec2Faults.reset());
    expect(await rawCall("DescribeVpcs", 5_000)).toBe("ECONNRESET");
    expect(await rawCall("CreateRoute", 5_000)).toBe("ECONNRESET");
    expect(received).toEqual([]);
  });

  it("fails calls at random with a seeded probability, the same calls for the same seed, only for chosen Actions", async () => {
    const run = async () => {
      proxy.resetCalls();
      proxy.failRandomly({
        probability: 0.3,
        seed: 42,
        faults: [ec2Faults.throttle(), ec2Faults.internalError()],
        actions: ["CreateRoute"],
      });
      for (let i = 0; i < 40; i++) {
        await createRoute().catch(() => undefined);
        await ec2.send(new DescribeVpcsCommand({}));
      }
      return proxy.calls().map((c) => c.status);
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(proxy.faulted("DescribeVpcs")).toBe(0);
    const failed = proxy.faulted("CreateRoute");
    expect(failed).toBeGreaterThan(4);
    expect(failed).toBeLessThan(24);
    proxy.clear();
    await createRoute();
    expect(proxy.calls().at(-1)).toEqual({ action: "CreateRoute", status: 200, faulted: false });
  });
});
