import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";

const path = "/etc/vpc-route-sync/config.yaml";
const secret = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.s1gnature";

/** The error text a user sees for a config file, or "" when the file loads. */
function errorFor(text: string): string {
  try {
    loadConfig({
      options: { config: path },
      env: {},
      readFile: () => text,
      hostname: () => "host-a",
      randomHex: () => "0badc0de",
    });
    return "";
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

/**
 * A config file is not a place for secrets, but one pasted into it by mistake (a kubeconfig, a
 * cloud key) must not be repeated into the error a bad file produces, which lands in logs.
 */
describe("config file errors never echo the file's content", () => {
  it.each([
    ["a YAML syntax error on the line holding a secret", `provider: aws\ntoken: "${secret}\n  : [`],
    ["a top-level value that is not a mapping", `${secret}\n`],
    ["an unknown key whose value is a secret", `provider: aws\nclientSecret: ${secret}\n`],
    ["a group whose value is a secret instead of a mapping", `provider: aws\naws: ${secret}\n`],
    ["a tab-indented secret", `provider: aws\naws:\n\tsecret: ${secret}\n`],
  ])("%s", (_, text) => {
    const message = errorFor(text);
    expect(message).toContain(path);
    expect(message).not.toContain(secret);
    expect(message).not.toContain(secret.slice(0, 12));
  });
});
