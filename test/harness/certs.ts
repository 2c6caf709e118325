import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Paths of the PKI files a throwaway kube-apiserver needs; generated fresh for every run. */
export interface KubePki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  await run("openssl", args);
}

/**
 * A P-256 private key: generating one takes about a millisecond where a 2048-bit RSA key takes
 * up to a second on a busy machine, and the API server accepts ECDSA for every role here
 * (serving, client and service-account signing).
 */
async function ecKey(path: string): Promise<void> {
  await openssl([
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    path,
  ]);
}

async function signedCert(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, extensions);
  await ecKey(key);
  await openssl(["req", "-new", "-key", key, "-subj", subject, "-out", csr]);
  await openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    join(dir, "ca.crt"),
    "-CAkey",
    join(dir, "ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    cert,
    "-extfile",
    ext,
  ]);
  return { cert, key };
}

/**
 * Generates a CA, a loopback serving certificate, a system:masters client (the admin, also the
 * identity of the controller-manager, scheduler and kwok: it may run every controller) and a
 * service-account key pair shared by the API server and the controller-manager's token controller.
 */
export async function generateKubePki(dir: string): Promise<KubePki> {
  const caKey = join(dir, "ca.key");
  const caCert = join(dir, "ca.crt");
  await ecKey(caKey);
  await openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    caKey,
    "-subj",
    "/CN=vpc-route-sync-test-ca",
    "-days",
    "2",
    "-out",
    caCert,
  ]);
  const server = await signedCert(
    dir,
    "apiserver",
    "/CN=kube-apiserver",
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
  );
  const admin = await signedCert(
    dir,
    "admin",
    "/O=system:masters/CN=vpc-route-sync-test-admin",
    "extendedKeyUsage=clientAuth\n",
  );
  const serviceAccountKey = join(dir, "sa.key");
  const serviceAccountPub = join(dir, "sa.pub");
  await ecKey(serviceAccountKey);
  await openssl(["pkey", "-in", serviceAccountKey, "-pubout", "-out", serviceAccountPub]);
  return {
    caCert,
    caKey,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    serviceAccountKey,
    serviceAccountPub,
  };
}
