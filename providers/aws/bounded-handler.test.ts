import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermanentError } from "../../src/errors.js";
import { createEc2Client } from "./client.js";
import { awsErrorCode, toAwsError } from "./errors.js";
import { collectPages } from "./paginate.js";

/** A page of route tables, one of them carrying `tags` tags whose values are `value`. */
const page = (tags: number, value: string) =>
  `<DescribeRouteTablesResponse><routeTableSet><item><routeTableId>rtb-1</routeTableId><tagSet>${`<item><key>k</key><value>${value}</value></item>`.repeat(tags)}</tagSet></item></routeTableSet></DescribeRouteTablesResponse>`;

let server: Server;
let answer: { body: string; declareLength: boolean };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = Buffer.from(answer.body);
      const length = answer.declareLength ? { "content-length": body.length } : {};
      res.writeHead(200, { "content-type": "text/xml", ...length });
      // Without a declared length the body goes out chunked, as a stream the handler must count.
      for (let at = 0; at < body.length; at += 2 ** 16) res.write(body.subarray(at, at + 2 ** 16));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const describeTables = () =>
  collectPages(
    createEc2Client({
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    }).port.describeRouteTables([]),
  );

describe("the EC2 client's answer bounds", () => {
  it("reads a large answer made of short texts, as EC2 writes them", async () => {
    answer = { body: page(2_000, "x".repeat(1_000)), declareLength: true };
    const tables = await describeTables();
    expect(tables[0]?.tags).toHaveLength(2_000);
    answer = { body: page(100, "&amp;".repeat(12_000)), declareLength: false };
    expect((await describeTables())[0]?.tags[0]?.value).toBe("&".repeat(12_000));
  });

  it.each([
    ["declares more than 8 MiB", page(1, "x".repeat(9 * 2 ** 20)), true],
    ["streams more than 8 MiB without declaring it", page(200_000, "v".repeat(40)), false],
    ["holds one text longer than 64 KiB", page(1, "&amp;".repeat(14_000)), false],
  ])(
    "refuses an answer that %s, as a PermanentError naming the cause",
    async (_, body, declare) => {
      answer = { body, declareLength: declare };
      const error = await describeTables().catch((e: unknown) => e);
      expect(awsErrorCode(error)).toBe("OversizedResponse");
      const mapped = toAwsError(error, "DescribeRouteTables", "route tables");
      expect(mapped).toBeInstanceOf(PermanentError);
      expect(mapped.message).toMatch(/--aws-endpoint/);
    },
  );
});
