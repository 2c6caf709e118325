import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startFakeManagedIdentity } from "../fakes/azure/managed-identity.js";
import { startFakeMetadataServer } from "../fakes/gcp/metadata-server.js";
import { AwsScenario } from "../harness/aws-scenario.js";
import { AzureScenario } from "../harness/azure-scenario.js";
import {
  cliFlags,
  inputsOf,
  metaKey,
  outputFor,
  shippedBundle,
  spawnBundle,
} from "../harness/bundle.js";
import type { ControllerScenario } from "../harness/controller-scenario.js";
import { GcpScenario } from "../harness/gcp-scenario.js";

// The exact file deploy/Dockerfile's ENTRYPOINT runs, with the image's node flags, as its own
// process: nothing is injected, so each cloud's credentials come from the SDK's own chain.
const { meta } = shippedBundle();
const scratch = mkdtempSync(join(tmpdir(), "vrs-bundle-"));
const running: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
const suffix = process.pid % 1000;
const cidr = "10.8.0.0/24";

afterEach(async () => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
  for (const step of cleanups.splice(0)) await step();
});

/** Runs the bundle to completion; resolves with its exit code and output. */
async function runBundle(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawnBundle(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stdout, stderr };
}

/** Serves the scenario's VPN Service from node `i` and starts a bundle controller for it. */
async function startShipped(
  s: ControllerScenario,
  env: NodeJS.ProcessEnv,
  loadLog?: string,
): Promise<ChildProcess> {
  await s.objects.createService(s.namespace, "openvpn", { "vpc-route-sync.io/cidrs": cidr });
  const child = spawnBundle(
    ["controller", ...cliFlags(s.options({ logLevel: "warn" }))],
    { ...process.env, ...env },
    loadLog,
  );
  child.stderr?.on("data", (d: Buffer) => process.stderr.write(`[bundle] ${d.toString()}`));
  running.push(child);
  cleanups.push(() => s.tearDown());
  return child;
}

const sdkOf = {
  aws: /^node_modules\/(@aws-sdk|@smithy)\//,
  gcp: /^node_modules\/(@google-cloud|google-gax|google-auth-library|gcp-metadata)\//,
  azure: /^node_modules\/@azure\//,
};

describe("the shipped bundle (the file the image's ENTRYPOINT runs)", () => {
  it("--provider aws programs LocalStack's route tables and never loads GCP or Azure code", async () => {
    const s = await new AwsScenario(
      `bundle-aws-${suffix}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ).setUp();
    const loadLog = join(scratch, "aws-loads.txt");
    writeFileSync(loadLog, "");
    await startShipped(s, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" }, loadLog);
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(1).name, address: "10.244.1.5" },
    ]);
    await s.routesConverge(s.node(1).eniId, cidr, 30_000);

    const loaded = new Set(
      readFileSync(loadLog, "utf8")
        .split("\n")
        .filter((url) => url.startsWith("file:"))
        .map((url) => metaKey(fileURLToPath(url))),
    );
    const awsChunk = outputFor(meta, "providers/aws/index.ts");
    expect(loaded).toContain(awsChunk);
    const bundled = [...loaded].filter((file) => file in meta.outputs);
    expect(bundled.length).toBe(loaded.size);
    const inputs = inputsOf(meta, bundled);
    expect(inputs.filter((i) => sdkOf.aws.test(i)).length).toBeGreaterThan(0);
    expect(inputs.filter((i) => sdkOf.gcp.test(i) || sdkOf.azure.test(i))).toEqual([]);
    expect(inputs.filter((i) => /^providers\/(gcp|azure)\//.test(i))).toEqual([]);
  });

  it("--provider gcp programs the Compute fake, authenticated through the metadata server", async () => {
    const s = await new GcpScenario(`bundle-gcp-${suffix}`, inject("kubeconfigPath")).setUp();
    const metadata = await startFakeMetadataServer();
    cleanups.push(() => metadata.close());
    await startShipped(s, {
      GCE_METADATA_HOST: metadata.host,
      GOOGLE_APPLICATION_CREDENTIALS: "",
      CLOUDSDK_CONFIG: mkdtempSync(join(scratch, "gcloud-")),
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(2).name, address: "10.244.2.5" },
    ]);
    await s.routesConverge(s.node(2).name, cidr, 30_000);
    expect(metadata.tokensIssued()).toBeGreaterThan(0);
  });

  it("--provider azure programs the ARM fake, authenticated through a managed identity", async () => {
    const s = await new AzureScenario(`bundle-azure-${suffix}`, inject("kubeconfigPath")).setUp();
    const identity = await startFakeManagedIdentity();
    cleanups.push(() => identity.close());
    const ca = join(scratch, "azure-ca.pem");
    writeFileSync(ca, s.fake.caCertificate);
    await startShipped(s, { ...identity.env, NODE_EXTRA_CA_CERTS: ca });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    await s.routesConverge(s.node(0).ip, cidr);
    expect(identity.tokensIssued()).toBeGreaterThan(0);
  });

  it("plan reports the drift as JSON with exit code 2 and writes nothing", async () => {
    const s = await new AwsScenario(
      `bundle-plan-${suffix}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ).setUp();
    cleanups.push(() => s.tearDown());
    await s.objects.createService(s.namespace, "openvpn", { "vpc-route-sync.io/cidrs": cidr });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    const o = s.options();
    const planFlags = cliFlags({
      provider: o.provider,
      clusterId: o.clusterId,
      allowedCidrs: o.allowedCidrs,
      allowedNamespaces: o.allowedNamespaces,
      kubeconfig: o.kubeconfig,
      awsRegion: o.awsRegion,
      awsEndpoint: o.awsEndpoint,
      awsRouteTableTags: o.awsRouteTableTags,
    });
    const env = { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };
    const drift = await runBundle(["plan", "--output=json", ...planFlags], env);
    expect(drift.stderr).toBe("");
    expect(drift.code).toBe(2);
    const parsed = JSON.parse(drift.stdout) as {
      actions: { action: string; desiredTarget: string }[];
    };
    expect(parsed.actions.map((a) => [a.action, a.desiredTarget])).toEqual(
      s.vpc.routeTableIds.map(() => ["create", s.node(0).eniId]),
    );
    expect(await s.routes()).toEqual([undefined, undefined, undefined]);
  });

  it("agent --help prints the agent's usage and exits 0", async () => {
    const help = await runBundle(["agent", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: vpc-route-sync agent \[options\]/);
    expect(help.stdout).toContain("--node-name");
  });
});
