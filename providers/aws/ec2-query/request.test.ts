import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ec2ApiError } from "./api-error.js";
import { createEc2Transport, type Ec2Transport } from "./request.js";
import { createEc2Signer, type Ec2Signer } from "./sign.js";

/** What the stand-in EC2 received. */
interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

type Answer = (res: ServerResponse, received: Received) => void;

const xmlns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
const vpcs = `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeVpcsResponse ${xmlns}><requestId>r-1</requestId><vpcSet/></DescribeVpcsResponse>`;
const ok =
  (body = vpcs, headers: Record<string, string> = {}): Answer =>
  (res) => {
    res.writeHead(200, { "content-type": "text/xml;charset=UTF-8", ...headers });
    res.end(body);
  };
const failing =
  (status: number, body: string): Answer =>
  (res) => {
    res.writeHead(status, { "content-type": "text/xml;charset=UTF-8" });
    res.end(body);
  };
const ec2Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-9</RequestID></Response>`;

let server: Server;
let url: string;
let answer: Answer;
let received: Received[];
let connections: number;
let observedDates: (string | undefined)[];

/** A signer that only marks the request, so these tests see the transport alone. */
const markingSigner: Ec2Signer = {
  sign: async (request) => ({ ...request.headers, authorization: "test-signature" }),
  observeServerDate: (date) => {
    observedDates.push(date);
  },
};

const transport = (signer = markingSigner, requestTimeoutMs = 2_000): Ec2Transport =>
  createEc2Transport({ endpoint: new URL(url), signer, connectTimeoutMs: 1_000, requestTimeoutMs });

beforeEach(async () => {
  received = [];
  connections = 0;
  observedDates = [];
  answer = ok();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(entry);
      answer(res, entry);
    });
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("the EC2 Query transport", () => {
  it("POSTs the signed, form-encoded action and returns the root of the answer", async () => {
    const root = await transport().send("DescribeVpcs", { "Filter.1.Name": "vpc-id" });
    expect(root.name).toBe("DescribeVpcsResponse");
    const [request] = received;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/");
    expect(request?.body).toBe("Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=vpc-id");
    expect(request?.headers["content-type"]).toBe(
      "application/x-www-form-urlencoded; charset=utf-8",
    );
    expect(request?.headers.host).toBe(new URL(url).host);
    expect(request?.headers.authorization).toBe("test-signature");
  });

  it("sends the real signer's SigV4 headers for the region", async () => {
    const signer = createEc2Signer({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret", sessionToken: "tok" },
    });
    await transport(signer).send("DescribeVpcs", {});
    const headers = received[0]?.headers ?? {};
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/ec2\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(headers["x-amz-security-token"]).toBe("tok");
  });

  it("reuses one kept-alive connection for consecutive calls", async () => {
    const ec2 = transport();
    for (let i = 0; i < 3; i++) await ec2.send("DescribeVpcs", {});
    expect(received).toHaveLength(3);
    expect(connections).toBe(1);
  });

  it("hands every answer's Date header to the signer, for clock-skew correction", async () => {
    answer = ok(vpcs, { date: "Sun, 30 Aug 2015 13:36:00 GMT" });
    await transport().send("DescribeVpcs", {});
    answer = failing(503, ec2Error("Unavailable", "x"));
    await expect(transport().send("DescribeVpcs", {})).rejects.toThrow(Ec2ApiError);
    expect(observedDates[0]).toBe("Sun, 30 Aug 2015 13:36:00 GMT");
    expect(observedDates).toHaveLength(2);
  });

  it.each([
    [400, "InvalidRoute.NotFound", "no route with destination 10.8.0.0/24 &amp; more", "client"],
    [403, "UnauthorizedOperation", "You are not authorized to perform this operation.", "client"],
    [503, "RequestLimitExceeded", "Request limit exceeded.", "server"],
    [500, "InternalError", "An internal error has occurred.", "server"],
  ])("turns HTTP %i with EC2 code %s into an Ec2ApiError", async (status, code, message, fault) => {
    answer = failing(status, ec2Error(code, message));
    const error = await transport()
      .send("DeleteRoute", {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Ec2ApiError);
    expect(error).toMatchObject({
      code,
      status,
      fault,
      requestId: "req-9",
      message: message.replace("&amp;", "&"),
    });
  });

  it("turns an error answer that is not EC2's document into UnknownError with an excerpt", async () => {
    answer = failing(502, "fault proxy: upstream failed: <html>Bad   Gateway</html>");
    await expect(transport().send("DescribeVpcs", {})).rejects.toMatchObject({
      code: "UnknownError",
      status: 502,
      message: "HTTP 502: fault proxy: upstream failed: <html>Bad Gateway</html>",
    });
    answer = failing(400, "");
    await expect(transport().send("DescribeVpcs", {})).rejects.toMatchObject({
      code: "UnknownError",
      message: "HTTP 400 with an empty body",
    });
  });

  it.each([
    ["is cut off", `<DescribeVpcsResponse ${xmlns}><vpcSet>`, /is not XML: .*never closed/],
    ["answers another action", "<CreateRouteResponse/>", /has root <CreateRouteResponse>/],
  ])("reports a 2xx answer that %s as a server-side InvalidResponse", async (_, body, message) => {
    answer = ok(body);
    const error = await transport()
      .send("DescribeVpcs", {})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "InvalidResponse", status: 200, fault: "server" });
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ["never answers", () => {}],
    [
      "sends headers, then stalls",
      (res: ServerResponse) => {
        res.writeHead(200, { "content-type": "text/xml" });
        res.write("<DescribeVpcsResponse>");
      },
    ],
  ])("gives up with a TimeoutError when EC2 %s", async (_, stall: Answer) => {
    answer = stall;
    const started = performance.now();
    await expect(transport(markingSigner, 150).send("DescribeVpcs", {})).rejects.toMatchObject({
      name: "TimeoutError",
      code: "ETIMEDOUT",
    });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("fails with Node's network code when the connection is reset or refused", async () => {
    answer = (res) => res.socket?.destroy();
    await expect(transport().send("DescribeVpcs", {})).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    const closed = url;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    url = closed;
    await expect(transport().send("DescribeVpcs", {})).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
});
