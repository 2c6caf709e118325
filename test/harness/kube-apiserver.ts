import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateKubePki, type KubePki } from "./certs.js";
import { findFreePort } from "./ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "./processes.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = here.includes(`${join("dist", "test")}`)
  ? join(here, "..", "..", "..")
  : join(here, "..", "..");

/** Where the cached kube-apiserver and etcd binaries live. */
export interface KubeBinaries {
  readonly etcd: string;
  readonly kubeApiServer: string;
  readonly kubectl: string;
}

/** A running etcd + kube-apiserver pair on loopback, with an admin kubeconfig. */
export interface LocalKubeApiServer {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly workDir: string;
  readonly pki: KubePki;
  /** Restarts only the API server process (etcd keeps its data), as in an API server upgrade. */
  restartApiServer(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Builds (or reuses from the cache) kube-apiserver and etcd; progress is printed to stderr. */
export async function ensureKubeBinaries(): Promise<KubeBinaries> {
  const script = join(repoRoot, "test", "harness", "build-k8s.sh");
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(script, [], { maxBuffer: 1 << 20 }, (error, out) =>
      error ? reject(new Error(`${script} failed: ${error.message}`)) : resolve(out),
    );
    child.stderr?.pipe(process.stderr);
  });
  const value = (key: string): string => {
    const line = stdout.split("\n").find((l) => l.startsWith(`${key}=`));
    if (line === undefined) throw new Error(`${script} did not print ${key}=...`);
    return line.slice(key.length + 1).trim();
  };
  return {
    etcd: value("ETCD_BIN"),
    kubeApiServer: value("KUBE_APISERVER_BIN"),
    kubectl: value("KUBECTL_BIN"),
  };
}

function kubeconfigYaml(server: string, ca: string, cert: string, key: string): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: local\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${b64(ca)}`,
    "users:",
    `- name: admin\n  user:\n    client-certificate-data: ${b64(cert)}\n    client-key-data: ${b64(key)}`,
    "contexts:",
    "- name: local\n  context:\n    cluster: local\n    user: admin",
    "current-context: local",
    "",
  ].join("\n");
}

async function isReady(server: string, pki: KubePki): Promise<boolean> {
  const [ca, cert, key] = await Promise.all([
    readFile(pki.caCert),
    readFile(pki.adminCert),
    readFile(pki.adminKey),
  ]);
  const agent = new Agent({ ca, cert, key });
  return await new Promise((resolve) => {
    const req = request(`${server}/readyz`, { agent, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Starts etcd and kube-apiserver on free loopback ports with RBAC on; `stop()` removes everything. */
export async function startKubeApiServer(
  options: { binaries?: KubeBinaries } = {},
): Promise<LocalKubeApiServer> {
  const binaries = options.binaries ?? (await ensureKubeBinaries());
  const workDir = await mkdtemp(join(tmpdir(), "vrs-kube-"));
  const pki = await generateKubePki(workDir);
  const [etcdClient, etcdPeer, securePort] = await Promise.all([
    findFreePort(),
    findFreePort(),
    findFreePort(),
  ]);
  await mkdir(join(workDir, "etcd"));
  const etcd = startProcess(
    "etcd",
    binaries.etcd,
    [
      `--data-dir=${join(workDir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      "--unsafe-no-fsync",
      "--quota-backend-bytes=4294967296",
      "--log-level=warn",
    ],
    join(workDir, "etcd.log"),
  );
  const server = `https://127.0.0.1:${securePort}`;
  const apiArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${securePort}`,
    `--cert-dir=${workDir}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    "--service-account-issuer=https://kubernetes.default.svc",
    "--api-audiences=https://kubernetes.default.svc",
    "--authorization-mode=RBAC",
    "--service-cluster-ip-range=10.96.0.0/16",
    "--enable-priority-and-fairness=false",
    "--profiling=false",
    "--v=1",
  ];
  let api: ManagedProcess | undefined;
  const startApi = (): ManagedProcess =>
    startProcess(
      "kube-apiserver",
      binaries.kubeApiServer,
      apiArgs,
      join(workDir, "kube-apiserver.log"),
    );
  const stopAll = async () => {
    await api?.stop();
    await etcd.stop();
    if (process.env.VRS_KEEP_HARNESS !== "1") await rm(workDir, { recursive: true, force: true });
  };
  try {
    api = startApi();
    const started = api;
    await waitUntil("kube-apiserver /readyz", () => isReady(server, pki), 120_000, started);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const kubeconfigPath = join(workDir, "kubeconfig");
  const [ca, cert, key] = await Promise.all([
    readFile(pki.caCert, "utf8"),
    readFile(pki.adminCert, "utf8"),
    readFile(pki.adminKey, "utf8"),
  ]);
  await writeFile(kubeconfigPath, kubeconfigYaml(server, ca, cert, key), { mode: 0o600 });
  return {
    server,
    kubeconfigPath,
    workDir,
    pki,
    async restartApiServer(downMs = 0) {
      await api?.stop();
      await new Promise((r) => setTimeout(r, downMs));
      api = startApi();
      const restarted = api;
      await waitUntil(
        "kube-apiserver /readyz after restart",
        () => isReady(server, pki),
        120_000,
        restarted,
      );
    },
    stop: stopAll,
  };
}
