import { readFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import type { KubePki } from "./certs.js";

/** How to reach a loopback HTTPS endpoint: as the admin (verified), or unverified (self-signed). */
export type ProbeIdentity = { readonly pki: KubePki } | { readonly selfSigned: true };

async function agentFor(identity: ProbeIdentity): Promise<Agent> {
  if ("selfSigned" in identity) {
    // A component's own serving certificate on 127.0.0.1, generated at start: nothing to verify.
    return new Agent({ rejectUnauthorized: false });
  }
  const [ca, cert, key] = await Promise.all([
    readFile(identity.pki.caCert),
    readFile(identity.pki.adminCert),
    readFile(identity.pki.adminKey),
  ]);
  return new Agent({ ca, cert, key });
}

/**
 * GETs `url` once and resolves with the status code, or 0 when nothing answered: readiness polls
 * treat both a refused connection and a non-200 answer as "not yet".
 */
export async function httpsStatus(url: string, identity: ProbeIdentity): Promise<number> {
  const agent = await agentFor(identity);
  return await new Promise((resolve) => {
    const req = request(url, { agent, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
