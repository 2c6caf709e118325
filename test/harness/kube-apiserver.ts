import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKubePki, type KubePki } from "./certs.js";
import { httpsStatus } from "./https-probe.js";
import { ensureKubeBinaries, type KubeBinaries } from "./kube-binaries.js";
import { findFreePort } from "./ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "./processes.js";

// Older callers import these from here; they live in kube-binaries.ts with the whole control plane.
export { ensureKubeBinaries, type KubeBinaries } from "./kube-binaries.js";

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

const isReady = async (server: string, pki: KubePki): Promise<boolean> =>
  (await httpsStatus(`${server}/readyz`, { pki })) === 200;

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
    // The API server first, etcd last: stopping both at once can leave them waiting on each other.
    await api?.stop(3_000);
    await etcd.stop(3_000);
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
