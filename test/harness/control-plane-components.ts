import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { httpsStatus } from "./https-probe.js";
import type { KubeBinaries } from "./kube-binaries.js";
import { findFreePort } from "./ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "./processes.js";

/** kwok's configuration and stages (kubelet-like Pod deletion); see the file's comments. */
export const kwokConfigPath = fileURLToPath(new URL("./kwok/kwok.yaml", import.meta.url)).replace(
  `${join("dist", "test")}`,
  "test",
);

/** The annotation the shared kwok manages Nodes by; tests put it on the Nodes they create. */
export const kwokNodeAnnotation = { key: "kwok.x-k8s.io/node", value: "fake" } as const;

/**
 * Controllers the tests need, by their v1.36 canonical names. The disruption controller makes
 * `kubectl drain` honour PodDisruptionBudgets as it does in a cluster.
 */
export const controllers = [
  "endpointslice-controller",
  "deployment-controller",
  "replicaset-controller",
  "node-lifecycle-controller",
  "taint-eviction-controller",
  "garbage-collector-controller",
  "pod-garbage-collector-controller",
  "namespace-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "root-ca-certificate-publisher-controller",
  "disruption-controller",
] as const;

/** Node-lifecycle timing: a node whose lease is not renewed for this long becomes NotReady. */
export const nodeMonitorGracePeriodSeconds = 16;

/** Endpoints per EndpointSlice: small, so a Service with a few replicas spans several slices. */
export const maxEndpointsPerSlice = 5;

/** What every component needs to reach the API server. */
export interface ComponentContext {
  readonly binaries: KubeBinaries;
  readonly kubeconfigPath: string;
  readonly serviceAccountKey: string;
  readonly caCert: string;
  readonly workDir: string;
}

async function started(
  proc: ManagedProcess,
  what: string,
  probe: () => Promise<boolean>,
): Promise<ManagedProcess> {
  try {
    await waitUntil(what, probe, 120_000, proc);
    return proc;
  } catch (error) {
    await proc.stop(1_000);
    throw error;
  }
}

/**
 * A kube-* component serving its health endpoints on a free loopback port with a self-signed
 * certificate in its own directory, talking to the API server as the admin.
 */
async function startKubeComponent(
  c: ComponentContext,
  name: string,
  bin: string,
  args: readonly string[],
  readyPath: string,
): Promise<ManagedProcess> {
  const port = await findFreePort();
  const certDir = join(c.workDir, name);
  await mkdir(certDir, { recursive: true });
  const proc = startProcess(
    name,
    bin,
    [
      `--kubeconfig=${c.kubeconfigPath}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${certDir}`,
      "--leader-elect=false",
      "--profiling=false",
      "--v=1",
      ...args,
    ],
    join(c.workDir, `${name}.log`),
  );
  const url = `https://127.0.0.1:${port}${readyPath}`;
  return await started(proc, `${name} ${readyPath}`, async () => {
    return (await httpsStatus(url, { selfSigned: true })) === 200;
  });
}

/** kube-controller-manager with the tests' controllers, leader election off; ready on /healthz. */
export async function startControllerManager(c: ComponentContext): Promise<ManagedProcess> {
  return await startKubeComponent(
    c,
    "kube-controller-manager",
    c.binaries.kubeControllerManager,
    [
      `--controllers=${controllers.join(",")}`,
      `--service-account-private-key-file=${c.serviceAccountKey}`,
      `--root-ca-file=${c.caCert}`,
      "--node-monitor-period=1s",
      `--node-monitor-grace-period=${nodeMonitorGracePeriodSeconds}s`,
      "--node-eviction-rate=10",
      `--max-endpoints-per-slice=${maxEndpointsPerSlice}`,
    ],
    "/healthz",
  );
}

/** kube-scheduler, leader election off; ready on /readyz. */
export async function startScheduler(c: ComponentContext): Promise<ManagedProcess> {
  return await startKubeComponent(c, "kube-scheduler", c.binaries.kubeScheduler, [], "/readyz");
}

/** Which Nodes a kwok process plays the kubelet for. */
export type KwokScope = { readonly annotation: string } | { readonly singleNode: string };

/**
 * A kwok process playing the kubelet for the Nodes in `scope`. Its health server starts only
 * after its node and pod watches are running, so /healthz answering means kwok is watching.
 */
export async function startKwok(
  c: { readonly kwok: string; readonly kubeconfigPath: string; readonly workDir: string },
  scope: KwokScope,
  name = "kwok",
): Promise<ManagedProcess> {
  const port = await findFreePort();
  const proc = startProcess(
    name,
    c.kwok,
    [
      `--kubeconfig=${c.kubeconfigPath}`,
      `--config=${kwokConfigPath}`,
      "annotation" in scope
        ? `--manage-nodes-with-annotation-selector=${scope.annotation}`
        : `--manage-single-node=${scope.singleNode}`,
      `--server-address=127.0.0.1:${port}`,
    ],
    join(c.workDir, `${name}.log`),
  );
  const probe = async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  return await started(proc, `${name} /healthz`, probe);
}
