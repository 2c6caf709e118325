import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { isConfigError } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import { manualClock } from "../../test/fakes/aws/fake-world.js";
import { createEc2Client } from "./client.js";
import { createAwsProvider } from "./index.js";

/**
 * Region and endpoint come from the SDK's own chain, not from code of ours: these tests change
 * only the environment and the shared config file, and see where the client's calls land (a
 * recording EC2 stand-in on loopback) or which region it settles on.
 */
let server: Server;
let url: string;
let hits: string[];
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits.push(req.url ?? "");
      res.writeHead(200, { "content-type": "text/xml" });
      res.end("<DeleteRouteResponse><return>true</return></DeleteRouteResponse>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), "vrs-aws-chain-"));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/**
 * Nothing from the machine running the tests: no region, no instance metadata, and a shared
 * config whose endpoint is a closed loopback port, so a call the chain misroutes stays local.
 */
beforeEach(() => {
  hits = [];
  for (const name of [
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.stubEnv(
    "AWS_CONFIG_FILE",
    sharedFile("config", "[default]\nendpoint_url = http://127.0.0.1:9\n"),
  );
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", sharedFile("credentials", ""));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

let files = 0;
/** A fresh path each time: the SDK caches what it read from a path for the whole process. */
function sharedFile(name: string, text: string): string {
  const path = join(dir, `${name}-${++files}`);
  writeFileSync(path, text);
  return path;
}

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const deleteOne = (endpoint?: string) =>
  createEc2Client({ region: "us-east-1", endpoint, credentials }).port.deleteRoute({
    tableId: "rtb-1",
    cidr: mustParseCidr("10.8.0.0/24"),
  });

describe("the EC2 endpoint", () => {
  it("is AWS_ENDPOINT_URL_EC2 when --aws-endpoint is not given", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_EC2", url);
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    await deleteOne();
    expect(hits).toHaveLength(1);
  });

  it("is AWS_ENDPOINT_URL when no EC2-specific one is set", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", url);
    await deleteOne();
    expect(hits).toHaveLength(1);
  });

  it("is the shared config file's services section for the profile in AWS_PROFILE", async () => {
    vi.stubEnv("AWS_PROFILE", "vrs");
    // The profile's own endpoint_url is a closed loopback port: it is what a miss would use.
    const text = `[profile vrs]\nendpoint_url = http://127.0.0.1:9\nservices = local\n\n[services local]\nec2 =\n  endpoint_url = ${url}\n`;
    vi.stubEnv("AWS_CONFIG_FILE", sharedFile("config", text));
    await deleteOne();
    expect(hits).toHaveLength(1);
  });

  it("is --aws-endpoint over everything the environment says", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:9");
    await deleteOne(url);
    expect(hits).toHaveLength(1);
  });
});

describe("the AWS region", () => {
  it("is AWS_REGION, else the shared config file's region, when --aws-region is not given", async () => {
    vi.stubEnv("AWS_CONFIG_FILE", sharedFile("config", "[default]\nregion = eu-west-3\n"));
    expect(await createEc2Client({ credentials }).region()).toBe("eu-west-3");
    vi.stubEnv("AWS_REGION", "ap-south-1");
    expect(await createEc2Client({ credentials }).region()).toBe("ap-south-1");
    expect(await createEc2Client({ region: "us-west-2", credentials }).region()).toBe("us-west-2");
  });

  it("missing everywhere stops the provider at start-up with every place to set it", async () => {
    const error = await createAwsProvider({
      clusterId: "c1",
      endpoint: url,
      credentials,
      routeTableIds: ["rtb-0a"],
      routeTableTags: [],
      manageSourceDestCheck: false,
      clock: manualClock(),
      logger: silentLogger(),
    }).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/--aws-region.*AWS_REGION.*shared AWS config file/);
    expect(hits).toEqual([]);
  });
});
