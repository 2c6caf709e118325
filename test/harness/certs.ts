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
  await openssl(["genrsa", "-out", key, "2048"]);
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

/** Generates a CA, a loopback serving certificate, a system:masters client and a service-account key pair. */
export async function generateKubePki(dir: string): Promise<KubePki> {
  const caKey = join(dir, "ca.key");
  const caCert = join(dir, "ca.crt");
  await openssl(["genrsa", "-out", caKey, "2048"]);
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
  await openssl(["genrsa", "-out", serviceAccountKey, "2048"]);
  await openssl(["rsa", "-in", serviceAccountKey, "-pubout", "-out", serviceAccountPub]);
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
