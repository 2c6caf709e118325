import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeKubeApi } from "../../../test/unit/fixtures/fake-kube-api.js";
import { PermanentError } from "../../errors.js";
import { KubeClient } from "./client.js";
import { loadKubeConfig } from "./kubeconfig.js";

let dir: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vrs-kubeconfig-"));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const close of closers.splice(0)) await close();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A kubeconfig with one context per entry of `users`, all on `server`. */
function kubeconfig(server: string, user: string, extra = "", cluster = ""): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters:\n- name: c\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true${cluster}`,
    `users:\n- name: u\n  user:\n${user}`,
    `contexts:\n- name: main\n  context: {cluster: c, user: u}${extra}`,
    "current-context: main",
    "",
  ].join("\n");
}

/** The fake API server; answers every request with an empty NodeList and records headers. */
async function apiServer() {
  const fake = await startFakeKubeApi((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "NodeList", metadata: { resourceVersion: "7" }, items: [] }));
  });
  closers.push(() => fake.close());
  return fake;
}

const listNodes = (file: string) =>
  new KubeClient(loadKubeConfig(file)).list("/api/v1/nodes", { onItem: () => undefined });

describe("loadKubeConfig", () => {
  it("reports a YAML error by line without quoting the file (a token stays secret)", () => {
    const file = write(
      "broken",
      "users:\n- name: u\n  user:\n    token: s3cr3t-token-value\n   bad: [unclosed\n",
    );
    let message = "";
    try {
      loadKubeConfig(file);
    } catch (error) {
      message = String(error);
      expect(error).toBeInstanceOf(PermanentError);
    }
    expect(message).toMatch(/is not valid YAML at line \d+/);
    expect(message).not.toContain("s3cr3t-token-value");
  });

  it("refuses insecure-skip-tls-verify together with a certificate authority, as client-go does", () => {
    const file = write(
      "both",
      kubeconfig(
        "https://127.0.0.1:1",
        "    token: t",
        "",
        "\n    certificate-authority-data: QUJD",
      ),
    );
    expect(() => loadKubeConfig(file)).toThrow(/insecure-skip-tls-verify and a certificate/);
  });

  it("refuses impersonation fields client-node would silently drop", () => {
    const file = write(
      "as",
      kubeconfig("https://127.0.0.1:1", "    as: alice\n    as-groups: [ops]"),
    );
    expect(() => loadKubeConfig(file)).toThrow(/as-groups is not supported/);
  });

  it("names the known contexts when the requested one does not exist", () => {
    const file = write("ctx", kubeconfig("https://127.0.0.1:1", "    token: t"));
    expect(() => loadKubeConfig(file, { context: "prod" })).toThrow(
      'kubeconfig context "prod" does not exist; known contexts: main',
    );
  });

  it("says how to configure a cluster when there is none", () => {
    expect(() => loadKubeConfig(undefined, { env: {}, home: dir })).toThrow(
      /no Kubernetes cluster configured/,
    );
  });

  it("merges a list of files with the first file's current context winning", async () => {
    const fake = await apiServer();
    const first = write(
      "first",
      kubeconfig(fake.kubeConfig.getCurrentCluster()?.server ?? "", "    token: one"),
    );
    const second = write(
      "second",
      kubeconfig("https://127.0.0.1:1", "    token: two").replaceAll("main", "other"),
    );
    const kc = loadKubeConfig(`${first}:${second}`);
    expect(kc.getContexts().map((c) => c.name)).toEqual(["main", "other"]);
    // Both files name cluster "c" and user "u": as with kubectl, the first file's entry wins.
    expect(kc.getClusters()).toHaveLength(1);
    expect(kc.getUsers()[0]?.token).toBe("one");
    await listNodes(first);
    expect(fake.requests.at(-1)?.headers.authorization).toBe("Bearer one");
  });

  it("reads client-go's tokenFile again after it rotates", async () => {
    const fake = await apiServer();
    const server = fake.kubeConfig.getCurrentCluster()?.server ?? "";
    const token = write("token", "first-token");
    const file = write("tf", kubeconfig(server, `    tokenFile: ${token}`));
    const client = new KubeClient(loadKubeConfig(file));
    await client.get("/api/v1/nodes");
    expect(fake.requests.at(-1)?.headers.authorization).toBe("Bearer first-token");
    writeFileSync(token, "rotated-token");
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      await client.get("/api/v1/nodes");
    } finally {
      vi.useRealTimers();
    }
    expect(fake.requests.at(-1)?.headers.authorization).toBe("Bearer rotated-token");
  });

  it("runs an exec credential plugin and sends the token it prints", async () => {
    const fake = await apiServer();
    const server = fake.kubeConfig.getCurrentCluster()?.server ?? "";
    const plugin = write(
      "plugin.sh",
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    const user = `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never`;
    await listNodes(write("exec", kubeconfig(server, user)));
    expect(fake.requests.at(-1)?.headers.authorization).toBe("Bearer from-exec");
  });

  it("sends requests through HTTPS_PROXY / HTTP_PROXY unless NO_PROXY matches", async () => {
    const fake = await apiServer();
    const server = fake.kubeConfig.getCurrentCluster()?.server ?? "";
    const proxy = await connectProxy();
    const file = write("proxy", kubeconfig(server, "    token: t"));
    vi.stubEnv("HTTP_PROXY", proxy.url);
    vi.stubEnv("HTTPS_PROXY", proxy.url);
    vi.stubEnv("NO_PROXY", "");
    await listNodes(file);
    expect(proxy.tunnels).toEqual([new URL(server).host]);
    vi.stubEnv("NO_PROXY", "127.0.0.1");
    await listNodes(file);
    expect(proxy.tunnels).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });
});

/**
 * A forward proxy on loopback that records each target: absolute-form requests (plain-HTTP
 * targets) are relayed with node:http, CONNECT tunnels (HTTPS targets) byte for byte.
 */
async function connectProxy(): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? "/");
    tunnels.push(target.host);
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, client) => {
    const target = req.url ?? "";
    tunnels.push(target);
    const [host, port] = target.split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, tunnels };
}
