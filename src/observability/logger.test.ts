import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

const secret = "s3cr3t-VALUE-0123456789";

/** A logger writing JSON lines into memory, and the text it wrote. */
function capture(pretty = false) {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { logger: createLogger({ destination, pretty }), output: () => text };
}

describe("log redaction", () => {
  it.each([
    ["a top-level token", { token: secret }],
    ["a nested token", { kube: { user: { token: secret } } }],
    [
      "an Authorization header in any case",
      { request: { headers: { Authorization: `Bearer ${secret}` } } },
    ],
    [
      "a lower-case authorization header deep in an error's config",
      { err: { config: { headers: { authorization: secret } } } },
    ],
    [
      "an AWS session token and secret key",
      { credentials: { sessionToken: secret, secretAccessKey: secret } },
    ],
    [
      "a client secret with another spelling",
      { azure: { client_secret: secret, clientSecret: secret } },
    ],
    ["credentials in a URL's user info", { url: `https://user:${secret}@example.invalid/path` }],
    [
      "a token in a URL's query",
      { endpoint: `https://example.invalid/cb?code=1&access_token=${secret}` },
    ],
    [
      "a bearer token inside free text",
      { detail: `request failed with Authorization: Bearer ${secret}` },
    ],
  ])("never writes %s", (_, fields) => {
    const { logger, output } = capture();
    logger.info(fields, "request sent");
    expect(output()).toContain("request sent");
    expect(output()).not.toContain(secret);
    expect(output()).toContain("[redacted]");
  });

  it("never writes a secret carried by an Error's message", () => {
    const { logger, output } = capture();
    const err = new Error(`GET https://admin:${secret}@example.invalid failed`);
    logger.error({ err }, "call failed");
    expect(output()).toContain("call failed");
    expect(output()).not.toContain(secret);
  });

  it("never writes a secret of an Error logged on its own, and keeps its type", () => {
    const { logger, output } = capture();
    logger.error(new TypeError(`GET https://admin:${secret}@example.invalid failed`));
    expect(output()).not.toContain(secret);
    const line = JSON.parse(output()) as { msg: string; err: { type: string } };
    expect(line.err.type).toBe("TypeError");
    expect(line.msg).toContain("failed");
  });

  it("never writes a secret passed as a format argument", () => {
    const { logger, output } = capture();
    logger.info("calling %s", `https://example.invalid/?access_token=${secret}`);
    expect(output()).toContain("calling");
    expect(output()).not.toContain(secret);
  });

  it("never writes a secret in the message text, pretty or not", () => {
    for (const pretty of [false, true]) {
      const { logger, output } = capture(pretty);
      logger.warn(`retrying https://example.invalid/?token=${secret}`);
      expect(output()).toContain("retrying");
      expect(output()).not.toContain(secret);
    }
  });

  it("keeps everything that is not a credential", () => {
    const { logger, output } = capture();
    logger.info({ table: "rtb-1", cidr: "10.8.0.0/24", tokenBucket: 3 }, "route replaced");
    const line = JSON.parse(output()) as Record<string, unknown>;
    expect(line).toMatchObject({ table: "rtb-1", cidr: "10.8.0.0/24", tokenBucket: 3 });
    expect(line.msg).toBe("route replaced");
  });
});
