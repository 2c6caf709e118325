import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KubeClient } from "../../src/kube/client/client.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { startFakeKubeApi } from "./fixtures/fake-kube-api.js";

const token = "eyJhbGciOiJSUzI1NiJ9.a3ViZWNvbmZpZy10b2tlbg.c2lnbmF0dXJl";
const dir = mkdtempSync(join(tmpdir(), "kubeconfig-leak-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error text a user sees when the production loader fails on `text`, or "" when it loads. */
function loadError(text: string): string {
  const path = join(dir, `config-${Math.random().toString(16).slice(2)}`);
  writeFileSync(path, text);
  try {
    loadKubeConfig(path);
    return "";
  } catch (error) {
    const shown = error as Error;
    expect(shown.message).toContain(path);
    return `${shown.message}\n${shown.stack ?? ""}\n${String(shown.cause ?? "")}`;
  }
}

const good = (user: string) => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: "https://127.0.0.1:6443" }
contexts:
- name: c
  context: { cluster: c, user: u }
current-context: c
users:
- name: u
  user:
${user}
`;

/**
 * The production loader (src/kube/client/kubeconfig.ts) is @kubernetes/client-node's KubeConfig,
 * whose own YAML errors quote the lines around the mistake, token included; errors end up in the
 * controller's log.
 */
describe("kubeconfig errors never echo a token", () => {
  it.each([
    ["a YAML syntax error on the token's line", good(`    token: "${token}\n    : [`)],
    ["a tab in the indentation before the token", good(`\ttoken: ${token}`)],
    ["a duplicated token key", good(`    token: ${token}\n    token: ${token}`)],
    ["an unterminated flow mapping after the token", good(`    { token: ${token}`)],
  ])("%s", (_, text) => {
    const message = loadError(text);
    expect(message, "the file must fail to load").not.toBe("");
    expect(message).not.toContain(token);
    expect(message).not.toContain(token.slice(0, 20));
  });
});

/** A kubeconfig file for `server` whose user runs `script` as its exec credential plugin. */
function withPlugin(server: string, script: string): { file: string; command: string } {
  const command = join(dir, `plugin-${Math.random().toString(16).slice(2)}.sh`);
  writeFileSync(command, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  const file = join(dir, `config-${Math.random().toString(16).slice(2)}`);
  const text = good(
    `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${command}\n      interactiveMode: Never`,
  ).replace(
    'server: "https://127.0.0.1:6443"',
    `server: "${server}", insecure-skip-tls-verify: true`,
  );
  writeFileSync(file, text);
  return { file, command };
}

describe("exec credential plugin errors never echo the plugin's output", () => {
  it.each([
    [
      "a plugin that fails and prints a token on stderr",
      `echo "refresh failed for ${token}" >&2; exit 1`,
    ],
    ["a plugin that prints a bare token instead of JSON", `echo "${token}"`],
  ])("%s", async (_, script) => {
    const fake = await startFakeKubeApi((_req, res) => res.writeHead(200).end("{}"));
    try {
      const server = fake.kubeConfig.getCurrentCluster()?.server ?? "";
      const { file, command } = withPlugin(server, script);
      const client = new KubeClient(loadKubeConfig(file));
      const calls = [
        () => client.get("/api/v1/nodes/a"),
        () =>
          client.watch("/api/v1/nodes", {
            resourceVersion: "1",
            timeoutSeconds: 5,
            onEvent: () => undefined,
          }),
      ];
      for (const call of calls) {
        const failure = (await call().then(
          () => undefined,
          (e: unknown) => e,
        )) as Error | undefined;
        expect(failure, "the plugin must fail").toBeDefined();
        expect(failure?.message).toContain(command);
        const shown = `${failure?.message}\n${failure?.stack ?? ""}\n${String(failure?.cause ?? "")}`;
        expect(shown).not.toContain(token.slice(0, 20));
      }
      expect(fake.requests).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
