import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startFakeManagedIdentity } from "../fakes/azure/managed-identity.js";
import { startFakeMetadataServer } from "../fakes/gcp/metadata-server.js";
import { AwsScenario } from "../harness/aws-scenario.js";
import { AzureScenario } from "../harness/azure-scenario.js";
import {
  bundleCommand,
  cliFlags,
  cloudSdk,
  inputsOf,
  metaKey,
  outputFor,
  shippedBundle,
} from "../harness/bundle.js";
import type { ControllerScenario } from "../harness/controller-scenario.js";
import { GcpScenario } from "../harness/gcp-scenario.js";
import { type ManagedProcess, startProcess } from "../harness/processes.js";

// The exact file deploy/Dockerfile's ENTRYPOINT runs, with the image's node flags, as its own
// process: nothing is injected, so each cloud's credentials come from the SDK's own chain.
const { meta } = shippedBundle();
const scratch = mkdtempSync(join(tmpdir(), "vrs-bundle-"));
const running: ManagedProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
const suffix = process.pid % 1000;
const cidr = "10.8.0.0/24";
const run = promisify(execFile);

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  for (const step of cleanups.splice(0)) await step();
});

/** Runs the bundle to completion; resolves with its exit code and output. */
async function runBundle(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const cmd = bundleCommand(args);
  const done = await run(cmd.command, cmd.args, { env: { ...env, ...cmd.env } }).then(
    (out) => ({ ...out, code: 0 }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  return { code: done.code, stdout: done.stdout, stderr: done.stderr };
}

/** Creates the scenario's VPN Service and starts a bundle controller for it (log in scratch). */
async function startShipped(
  s: ControllerScenario,
  env: NodeJS.ProcessEnv,
  loadLog?: string,
): Promise<ManagedProcess> {
  await s.objects.createService(s.namespace, "openvpn", { "vpc-route-sync.io/cidrs": cidr });
  // The image's lease timings, not the scenarios' short ones: a GCP controller builds its
  // Compute clients from 13 MB of protos after it leads, which on a busy 2-core machine can
  // block it past a 2 s renew deadline (in or out of the bundle).
  const {
    leaderElectLeaseDuration: _lease,
    leaderElectRenewDeadline: _renew,
    leaderElectRetryPeriod: _retry,
    ...options
  } = s.options({ logLevel: process.env.VRS_TEST_LOG_LEVEL ?? "warn" });
  const cmd = bundleCommand(["controller", ...cliFlags(options)], loadLog);
  const proc = startProcess(s.name, cmd.command, cmd.args, join(scratch, `${s.name}.log`), {
    ...process.env,
    ...env,
    ...cmd.env,
  });
  running.push(proc);
  cleanups.push(() => s.tearDown());
  return proc;
}

/** Waits for `converged`; on a timeout the error carries the end of the controller's log. */
async function withLog(proc: ManagedProcess, converged: Promise<unknown>): Promise<void> {
  try {
    await converged;
  } catch (error) {
    const log = readFileSync(proc.logPath, "utf8").slice(-4_000);
    throw new Error(`${String(error)}\ncontroller log (${proc.logPath}):\n${log}`);
  }
}

describe("the shipped bundle (the file the image's ENTRYPOINT runs)", () => {
  it("--provider aws programs LocalStack's route tables and never loads GCP or Azure code", async () => {
    const s = await new AwsScenario(
      `bundle-aws-${suffix}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ).setUp();
    const loadLog = join(scratch, "aws-loads.txt");
    writeFileSync(loadLog, "");
    const proc = await startShipped(
      s,
      { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
      loadLog,
    );
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(1).name, address: "10.244.1.5" },
    ]);
    await withLog(proc, s.routesConverge(s.node(1).eniId, cidr, 30_000));

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
    expect(inputs.filter((i) => cloudSdk.aws.test(i)).length).toBeGreaterThan(0);
    expect(inputs.filter((i) => cloudSdk.gcp.test(i) || cloudSdk.azure.test(i))).toEqual([]);
    expect(inputs.filter((i) => /^providers\/(gcp|azure)\//.test(i))).toEqual([]);
  });

  it("--provider gcp programs the Compute fake, authenticated through the metadata server", async () => {
    const s = await new GcpScenario(`bundle-gcp-${suffix}`, inject("kubeconfigPath")).setUp();
    const metadata = await startFakeMetadataServer();
    cleanups.push(() => metadata.close());
    const proc = await startShipped(s, {
      GCE_METADATA_HOST: metadata.host,
      GOOGLE_APPLICATION_CREDENTIALS: "",
      CLOUDSDK_CONFIG: mkdtempSync(join(scratch, "gcloud-")),
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(2).name, address: "10.244.2.5" },
    ]);
    // Loading @google-cloud/compute and building its clients is CPU-bound: seconds on an idle
    // machine, over 20 s when its two cores are shared with other work.
    await withLog(proc, s.routesConverge(s.node(2).name, cidr, 90_000));
    expect(metadata.tokensIssued()).toBeGreaterThan(0);
  }, 120_000);

  it("--provider azure programs the ARM fake, authenticated through a managed identity", async () => {
    const s = await new AzureScenario(`bundle-azure-${suffix}`, inject("kubeconfigPath")).setUp();
    const identity = await startFakeManagedIdentity();
    cleanups.push(() => identity.close());
    const ca = join(scratch, "azure-ca.pem");
    writeFileSync(ca, s.fake.caCertificate);
    const proc = await startShipped(s, { ...identity.env, NODE_EXTRA_CA_CERTS: ca });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    await withLog(proc, s.routesConverge(s.node(0).ip, cidr));
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
      trustedEndpointSliceManagers: o.trustedEndpointSliceManagers,
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
