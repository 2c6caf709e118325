import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** PEM material for a loopback HTTPS fake: clients trust `ca`, the server presents `cert`/`key`. */
export interface TestTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/**
 * Generates a throwaway CA and a 127.0.0.1/localhost server certificate signed by it, with
 * openssl, so tests reach the fake over real TLS and trust exactly this CA (never
 * NODE_TLS_REJECT_UNAUTHORIZED). EC P-256 keys keep generation in the tens of milliseconds.
 */
export async function generateTestTls(): Promise<TestTls> {
  const dir = await mkdtemp(join(tmpdir(), "vrs-fake-tls-"));
  try {
    const path = (name: string): string => join(dir, name);
    await run("openssl", [
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      path("ca.key"),
      "-out",
      path("ca.crt"),
      "-subj",
      "/CN=vpc-route-sync fake cloud CA",
      "-days",
      "2",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await run("openssl", [
      "req",
      "-new",
      ...ecKey,
      "-keyout",
      path("server.key"),
      "-out",
      path("server.csr"),
      "-subj",
      "/CN=127.0.0.1",
    ]);
    await writeFile(
      path("server.ext"),
      "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    );
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      path("server.csr"),
      "-CA",
      path("ca.crt"),
      "-CAkey",
      path("ca.key"),
      "-CAcreateserial",
      "-days",
      "2",
      "-out",
      path("server.crt"),
      "-extfile",
      path("server.ext"),
    ]);
    const [ca, cert, key] = await Promise.all(
      ["ca.crt", "server.crt", "server.key"].map((name) => readFile(path(name), "utf8")),
    );
    if (ca === undefined || cert === undefined || key === undefined) {
      throw new Error("openssl did not produce the test CA and server certificate");
    }
    return { ca, cert, key };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
