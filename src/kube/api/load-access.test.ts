import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PermanentError } from "../../errors.js";
import { loadKubeAccess } from "./load-access.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vrs-kubeconfig-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Writes a kubeconfig file in the test directory (YAML, as people write them). */
async function kubeconfig(name: string, yaml: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, yaml);
  return path;
}

const twoContexts = `
apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443/
    certificate-authority-data: ${b64("PROD CA")}
    tls-server-name: kubernetes.default
- name: lab
  cluster:
    server: https://lab.example:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate: certs/admin.crt
    client-key-data: ${b64("ADMIN KEY")}
- name: robot
  user:
    token: static-token
    as: system:serviceaccount:vpn:auditor
contexts:
- name: prod
  context: { cluster: prod, user: admin, namespace: vpn }
- name: lab
  context: { cluster: lab, user: robot }
`;

describe("loadKubeAccess from kubeconfig files", () => {
  it("uses current-context: server, CA data, a client certificate file relative to the kubeconfig", async () => {
    await mkdir(join(dir, "certs"));
    await writeFile(join(dir, "certs", "admin.crt"), "ADMIN CERT");
    const access = loadKubeAccess(await kubeconfig("config", twoContexts));
    expect(access.server).toBe("https://prod.example:6443");
    const auth = await access.authenticate();
    expect(auth.ca?.toString()).toBe("PROD CA");
    expect(auth.cert?.toString()).toBe("ADMIN CERT");
    expect(auth.key?.toString()).toBe("ADMIN KEY");
    expect(auth.rejectUnauthorized).toBe(true);
    expect(auth.servername).toBe("kubernetes.default");
    expect(auth.headers).toEqual({});
  });

  it("uses a named context: token, impersonation and insecure-skip-tls-verify", async () => {
    const access = loadKubeAccess(await kubeconfig("config", twoContexts), { context: "lab" });
    const auth = await access.authenticate();
    expect(access.server).toBe("https://lab.example:6443");
    expect(auth.rejectUnauthorized).toBe(false);
    expect(auth.headers).toEqual({
      Authorization: "Bearer static-token",
      "Impersonate-User": "system:serviceaccount:vpn:auditor",
    });
  });

  it("re-reads a tokenFile once the refresh period passed, and keeps it over a literal token", async () => {
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, "first\n");
    const path = await kubeconfig(
      "config",
      `current-context: c
clusters: [{ name: c, cluster: { server: "https://k:443" } }]
users: [{ name: u, user: { token: literal, tokenFile: token } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
`,
    );
    let now = 0;
    const access = loadKubeAccess(path, { now: () => now, refreshMs: 60_000 });
    const bearer = async () => (await access.authenticate()).headers.Authorization;
    expect(await bearer()).toBe("Bearer first");
    await writeFile(tokenFile, "second\n");
    now = 59_000;
    expect(await bearer()).toBe("Bearer first");
    now = 60_000;
    expect(await bearer()).toBe("Bearer second");
    await writeFile(tokenFile, "third");
    access.invalidate?.();
    expect(await bearer()).toBe("Bearer third");
  });

  it("merges a KUBECONFIG list as kubectl does: the first file to define a name wins", async () => {
    const first = await kubeconfig(
      "a",
      `current-context: shared
clusters: [{ name: shared, cluster: { server: "https://first:443" } }]
contexts: [{ name: shared, context: { cluster: shared, user: from-b } }]
`,
    );
    const second = await kubeconfig(
      "b",
      `current-context: ignored
clusters: [{ name: shared, cluster: { server: "https://second:443" } }]
users: [{ name: from-b, user: { token: b-token } }]
`,
    );
    const access = loadKubeAccess(undefined, { env: { KUBECONFIG: `${first}:${second}` } });
    expect(access.server).toBe("https://first:443");
    expect((await access.authenticate()).headers.Authorization).toBe("Bearer b-token");
  });

  it.each([
    ["a plain-HTTP server without insecure-skip-tls-verify", "server: http://k:80", /plain HTTP/],
    ["a proxy-url", "server: https://k\n    proxy-url: http://proxy:3128", /proxy-url/],
  ])("refuses %s with a message that names the fix", async (_name, cluster, message) => {
    const path = await kubeconfig(
      "config",
      `current-context: c
clusters:
- name: c
  cluster:
    ${cluster}
contexts: [{ name: c, context: { cluster: c } }]
`,
    );
    expect(() => loadKubeAccess(path)).toThrow(message);
  });

  it.each([
    ["a missing context", "contexts: []", /has no context "c"/],
    ["a legacy auth-provider", "", /auth-provider "gcp" is not supported; use an exec/],
  ])("refuses %s", async (_name, contexts, message) => {
    const path = await kubeconfig(
      "config",
      `current-context: c
clusters: [{ name: c, cluster: { server: "https://k" } }]
users: [{ name: u, user: { auth-provider: { name: gcp } } }]
${contexts || "contexts: [{ name: c, context: { cluster: c, user: u } }]"}
`,
    );
    expect(() => loadKubeAccess(path)).toThrow(PermanentError);
    expect(() => loadKubeAccess(path)).toThrow(message);
  });
});

describe("loadKubeAccess without --kubeconfig", () => {
  it("uses the Pod's ServiceAccount, re-reading the rotated token every minute", async () => {
    await writeFile(join(dir, "token"), "bound-1");
    await writeFile(join(dir, "ca.crt"), "CLUSTER CA");
    let now = 1_000;
    const env = { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "6443" };
    const access = loadKubeAccess(undefined, { env, serviceAccountDir: dir, now: () => now });
    expect(access.server).toBe("https://[fd00::1]:6443");
    const first = await access.authenticate();
    expect(first.headers).toEqual({ Authorization: "Bearer bound-1" });
    expect(first.ca?.toString()).toBe("CLUSTER CA");
    await writeFile(join(dir, "token"), "bound-2");
    expect((await access.authenticate()).headers.Authorization).toBe("Bearer bound-1");
    now += 60_000;
    expect((await access.authenticate()).headers.Authorization).toBe("Bearer bound-2");
  });

  it("falls back to ~/.kube/config, and says what to do when there is nothing", async () => {
    await mkdir(join(dir, ".kube"));
    await writeFile(
      join(dir, ".kube", "config"),
      `current-context: c
clusters: [{ name: c, cluster: { server: "https://home:443" } }]
contexts: [{ name: c, context: { cluster: c } }]
`,
    );
    expect(loadKubeAccess(undefined, { env: {}, home: dir }).server).toBe("https://home:443");
    expect(() => loadKubeAccess(undefined, { env: {}, home: join(dir, "nowhere") })).toThrow(
      "no Kubernetes cluster configured; pass --kubeconfig or run inside a Pod",
    );
  });
});
