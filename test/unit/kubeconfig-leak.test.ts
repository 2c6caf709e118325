import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";
import { execPluginError, kubeconfigLoadError } from "../../src/config/kubeconfig-error.js";

const token = "eyJhbGciOiJSUzI1NiJ9.a3ViZWNvbmZpZy10b2tlbg.c2lnbmF0dXJl";
const dir = mkdtempSync(join(tmpdir(), "kubeconfig-leak-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The error text a user sees when KubeConfig.loadFromFile fails on `text` (through
 * kubeconfigLoadError, as the production loader reports it), or "" when it loads.
 */
function loadError(text: string): string {
  const path = join(dir, `config-${Math.random().toString(16).slice(2)}`);
  writeFileSync(path, text);
  try {
    new KubeConfig().loadFromFile(path);
    return "";
  } catch (error) {
    const shown = kubeconfigLoadError(path, error);
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
 * The production kubeconfig loader is @kubernetes/client-node's KubeConfig (issue on official
 * clients). Its own YAML errors quote the lines around the mistake, token included (this test
 * fails without kubeconfigLoadError), and errors end up in the controller's log.
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

/** A kubeconfig whose user runs `script` (a shell script) as its exec credential plugin. */
function withPlugin(script: string): { kc: KubeConfig; command: string } {
  const command = join(dir, `plugin-${Math.random().toString(16).slice(2)}.sh`);
  writeFileSync(command, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  const kc = new KubeConfig();
  kc.loadFromString(
    good(
      `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${command}\n      interactiveMode: Never`,
    ),
  );
  return { kc, command };
}

describe("exec credential plugin errors never echo the plugin's output", () => {
  it.each([
    [
      "a plugin that fails and prints a token on stderr",
      `echo "refresh failed for ${token}" >&2; exit 1`,
    ],
    ["a plugin that prints a bare token instead of JSON", `echo "${token}"`],
  ])("%s", async (_, script) => {
    const { kc, command } = withPlugin(script);
    const failure = await kc.applyToHTTPSOptions({}).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure, "the plugin must fail").toBeDefined();
    const shown = execPluginError(command, failure);
    expect(shown.message).toContain(command);
    expect(`${shown.message}\n${shown.stack ?? ""}`).not.toContain(token.slice(0, 20));
  });
});
