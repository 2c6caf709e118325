import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEc2Signer, type SignableRequest } from "./sign.js";

const request: SignableRequest = {
  method: "POST",
  protocol: "https:",
  hostname: "ec2.eu-west-1.amazonaws.com",
  port: undefined,
  path: "/",
  headers: { host: "ec2.eu-west-1.amazonaws.com" },
  body: "Action=DescribeVpcs&Version=2016-11-15",
};

/** What the stand-in credential endpoint (STS, or the EKS Pod Identity agent) received. */
let seen: { headers: IncomingMessage["headers"]; body: string }[];
let answer: string;
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
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, {
        "content-type": answer.startsWith("{") ? "application/json" : "text/xml",
      });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Only the source under test may provide credentials.
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

describe("the default credential chain behind the EC2 signer", () => {
  it("signs with static keys from the environment", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDENV");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    const headers = await createEc2Signer({ region: "eu-west-1" }).sign(request);
    expect(headers.authorization).toContain("Credential=AKIDENV/");
    expect(headers["x-amz-security-token"]).toBeUndefined();
  });

  it("signs with EKS Pod Identity's container credentials, sending the agent its token", async () => {
    answer = JSON.stringify({
      AccessKeyId: "ASIAPODIDENTITY",
      SecretAccessKey: "secret",
      Token: "pod-identity-session",
      Expiration: new Date(Date.now() + 3_600_000).toISOString(),
    });
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", `${url}/v1/credentials`);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "agent-token");
    const headers = await createEc2Signer({ region: "eu-west-1" }).sign(request);
    expect(seen[0]?.headers.authorization).toBe("agent-token");
    expect(headers.authorization).toContain("Credential=ASIAPODIDENTITY/");
    expect(headers["x-amz-security-token"]).toBe("pod-identity-session");
  });

  it("signs with IRSA: the projected token exchanged at STS for a role session", async () => {
    answer = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
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
    const headers = await createEc2Signer({ region: "eu-west-1" }).sign(request);
    const exchange = new URLSearchParams(seen[0]?.body);
    expect(exchange.get("Action")).toBe("AssumeRoleWithWebIdentity");
    expect(exchange.get("WebIdentityToken")).toBe("projected-service-account-token");
    expect(exchange.get("RoleArn")).toBe("arn:aws:iam::111122223333:role/vrs");
    expect(headers.authorization).toContain("Credential=ASIAIRSA/");
    expect(headers["x-amz-security-token"]).toBe("irsa-session");
  });

  it("fails with the chain's CredentialsProviderError when there is no source at all", async () => {
    await expect(createEc2Signer({ region: "eu-west-1" }).sign(request)).rejects.toMatchObject({
      name: "CredentialsProviderError",
    });
  });
});
