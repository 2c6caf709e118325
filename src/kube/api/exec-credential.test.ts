import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PermanentError, TransientError } from "../../errors.js";
import { loadKubeAccess } from "./load-access.js";

/**
 * A tiny exec credential plugin: counts its runs in a file, echoes what kubectl's protocol gives
 * it (KUBERNETES_EXEC_INFO, the configured env) into the token, and fails when told to.
 */
const plugin = `
import { existsSync, readFileSync, writeFileSync } from "node:fs";
const [counter, mode] = process.argv.slice(2);
const runs = (existsSync(counter) ? Number(readFileSync(counter, "utf8")) : 0) + 1;
writeFileSync(counter, String(runs));
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
if (mode === "fail") { process.stdout.write("secret-token-in-stdout"); process.stderr.write("login expired; run sso login\\n"); process.exit(3); }
const status = mode === "cert"
  ? { clientCertificateData: "PLUGIN CERT", clientKeyData: "PLUGIN KEY" }
  : { token: process.env.PREFIX + "-" + runs + "-interactive=" + info.spec.interactive + "-server=" + info.spec.cluster?.server, expirationTimestamp: "2030-01-01T00:00:00Z" };
process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: "ExecCredential", status }));
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vrs-exec-"));
  await writeFile(join(dir, "plugin.mjs"), plugin);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A kubeconfig whose user runs the plugin with `mode`; returns its path. */
async function execKubeconfig(
  mode: string,
  apiVersion = "client.authentication.k8s.io/v1",
): Promise<string> {
  const path = join(dir, "config");
  const exec = {
    apiVersion,
    command: process.execPath,
    args: [join(dir, "plugin.mjs"), join(dir, "runs"), mode],
    env: [{ name: "PREFIX", value: "tok" }],
    provideClusterInfo: true,
    installHint: "install the cloud CLI",
    interactiveMode: "Never",
  };
  const config = {
    "current-context": "c",
    clusters: [{ name: "c", cluster: { server: "https://k:6443" } }],
    users: [{ name: "u", user: { exec } }],
    contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
  };
  await writeFile(path, JSON.stringify(config));
  return path;
}

const runs = async () => Number(await readFile(join(dir, "runs"), "utf8"));

describe("exec credential plugins", () => {
  it.each(["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])(
    "runs a %s plugin once and caches its token until expirationTimestamp",
    async (version) => {
      let now = Date.parse("2029-12-31T23:00:00Z");
      const access = loadKubeAccess(await execKubeconfig("token", version), { now: () => now });
      const bearer = async () => (await access.authenticate()).headers.Authorization;
      const [a, b] = await Promise.all([bearer(), bearer()]);
      expect(a).toBe("Bearer tok-1-interactive=false-server=https://k:6443");
      expect(b).toBe(a);
      expect(await bearer()).toBe(a);
      expect(await runs()).toBe(1);
      now = Date.parse("2030-01-01T00:00:00Z");
      expect(await bearer()).toBe("Bearer tok-2-interactive=false-server=https://k:6443");
      access.invalidate?.();
      expect(await bearer()).toBe("Bearer tok-3-interactive=false-server=https://k:6443");
    },
  );

  it("uses a client certificate and key the plugin returns", async () => {
    const auth = await loadKubeAccess(await execKubeconfig("cert")).authenticate();
    expect(auth.cert).toBe("PLUGIN CERT");
    expect(auth.key).toBe("PLUGIN KEY");
    expect(auth.headers.Authorization).toBeUndefined();
  });

  it("reports a failing plugin with its stderr, never its output", async () => {
    const access = loadKubeAccess(await execKubeconfig("fail"));
    const failure = access.authenticate();
    await expect(failure).rejects.toThrow(TransientError);
    await expect(failure).rejects.toThrow(/failed: login expired; run sso login$/);
    await expect(failure).rejects.not.toThrow(/secret-token-in-stdout/);
  });

  it("names the install hint when the command does not exist", async () => {
    const path = join(dir, "config");
    const config = JSON.parse(await readFile(await execKubeconfig("token"), "utf8"));
    config.users[0].user.exec.command = "vrs-no-such-credential-helper";
    await writeFile(path, JSON.stringify(config));
    const failure = loadKubeAccess(path).authenticate();
    await expect(failure).rejects.toThrow(PermanentError);
    await expect(failure).rejects.toThrow(/was not found; install the cloud CLI/);
  });

  it("refuses the long-gone v1alpha1 protocol at load time", async () => {
    const path = await execKubeconfig("token", "client.authentication.k8s.io/v1alpha1");
    expect(() => loadKubeAccess(path)).toThrow(
      /apiVersion "client.authentication.k8s.io\/v1alpha1" is not supported/,
    );
  });
});
