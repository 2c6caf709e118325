import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { PermanentError } from "../../src/errors.js";
import { createEc2Client } from "./client.js";
import { toAwsError } from "./errors.js";

/**
 * The client as production builds it, without credentials of its own: the SDK's default chain
 * must find them. One loopback server stands in for the credential source (STS for IRSA, the
 * EKS Pod Identity agent) and for EC2, whose requests show which credentials signed them.
 */
let seen: { path: string; headers: IncomingMessage["headers"]; body: string }[];
let credentialAnswer: string;
let server: Server;
let url: string;
let dir: string;

beforeEach(async () => {
  seen = [];
  dir = mkdtempSync(join(tmpdir(), "vrs-chain-"));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ path: req.url ?? "", headers: req.headers, body });
      const isEc2 = new URLSearchParams(body).get("Action") === "DeleteRoute";
      const answer = isEc2
        ? "<DeleteRouteResponse><return>true</return></DeleteRouteResponse>"
        : credentialAnswer;
      res.writeHead(200, {
        "content-type": answer.startsWith("{") ? "application/json" : "text/xml",
      });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Only the source under test may provide credentials; nothing may reach instance metadata.
  for (const name of [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv("AWS_CONFIG_FILE", join(dir, "none"));
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "none"));
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
});

afterEach(async () => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const deleteRoute = () =>
  createEc2Client({ region: "eu-west-1", endpoint: url }).port.deleteRoute({
    tableId: "rtb-1",
    cidr: mustParseCidr("10.8.0.0/24"),
  });

/** The EC2 request the server received, which carries the signature. */
const ec2Request = () => seen.find((r) => r.body.includes("Action=DeleteRoute"));

describe("the SDK's default credential chain behind the EC2 client", () => {
  it("signs with static keys from the environment", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDENV");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    await deleteRoute();
    expect(ec2Request()?.headers.authorization).toContain("Credential=AKIDENV/");
    expect(ec2Request()?.headers["x-amz-security-token"]).toBeUndefined();
  });

  it("signs with EKS Pod Identity's container credentials, sending the agent its token", async () => {
    credentialAnswer = JSON.stringify({
      AccessKeyId: "ASIAPODIDENTITY",
      SecretAccessKey: "secret",
      Token: "pod-identity-session",
      Expiration: new Date(Date.now() + 3_600_000).toISOString(),
    });
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", `${url}/v1/credentials`);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "agent-token");
    await deleteRoute();
    expect(seen[0]).toMatchObject({
      path: "/v1/credentials",
      headers: { authorization: "agent-token" },
    });
    expect(ec2Request()?.headers.authorization).toContain("Credential=ASIAPODIDENTITY/");
    expect(ec2Request()?.headers["x-amz-security-token"]).toBe("pod-identity-session");
  });

  it("signs with IRSA: the projected token exchanged at STS for a role session", async () => {
    credentialAnswer = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIAIRSA</AccessKeyId>
      <SecretAccessKey>secret</SecretAccessKey>
      <SessionToken>irsa-session</SessionToken>
      <Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/vrs/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "projected-service-account-token");
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
    vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/vrs");
    vi.stubEnv("AWS_ENDPOINT_URL_STS", url);
    await deleteRoute();
    const exchange = new URLSearchParams(seen[0]?.body);
    expect(exchange.get("Action")).toBe("AssumeRoleWithWebIdentity");
    expect(exchange.get("WebIdentityToken")).toBe("projected-service-account-token");
    expect(exchange.get("RoleArn")).toBe("arn:aws:iam::111122223333:role/vrs");
    expect(ec2Request()?.headers.authorization).toContain("Credential=ASIAIRSA/");
    expect(ec2Request()?.headers["x-amz-security-token"]).toBe("irsa-session");
  });

  it("fails permanently, naming the fix, when no source has credentials", async () => {
    const error = await deleteRoute().catch((e: unknown) => e);
    expect(seen).toEqual([]);
    const mapped = toAwsError(error, "DeleteRoute", "route 10.8.0.0/24 in rtb-1");
    expect(mapped).toBeInstanceOf(PermanentError);
    expect(mapped.message).toMatch(/IRSA, EKS Pod Identity or an instance profile/);
  });
});
