import {
  type ComponentContext,
  kwokNodeAnnotation,
  startControllerManager,
  startKwok,
  startScheduler,
} from "./control-plane-components.js";
import { httpsStatus } from "./https-probe.js";
import { type LocalKubeApiServer, startKubeApiServer } from "./kube-apiserver.js";
import { ensureKubeBinaries, type KubeBinaries } from "./kube-binaries.js";
import { type ManagedProcess, waitUntil } from "./processes.js";

/**
 * A real control plane on loopback: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler and kwok playing the kubelet for Nodes annotated `kwok.x-k8s.io/node=fake`.
 */
export interface LocalControlPlane {
  readonly kube: LocalKubeApiServer;
  readonly binaries: KubeBinaries;
  /** What a test needs to start its own kwok (a node that can crash) against this API server. */
  readonly context: ComponentContext;
  /** Milliseconds from the call to every component ready (binaries already built). */
  readonly startMs: number;
  stop(): Promise<void>;
}

/**
 * Starts the whole control plane and waits until it can run a Deployment: API server /readyz,
 * controller-manager /healthz, scheduler /readyz, the `default` ServiceAccount created by the
 * controller-manager, and kwok watching. Anything that does not come up fails the call (and
 * stops what did): under CI a missing component fails the run, it never skips a test.
 */
export async function startControlPlane(
  options: { binaries?: KubeBinaries } = {},
): Promise<LocalControlPlane> {
  const binaries = options.binaries ?? (await ensureKubeBinaries());
  const began = performance.now();
  const kube = await startKubeApiServer({ binaries });
  const context: ComponentContext = {
    binaries,
    kubeconfigPath: kube.kubeconfigPath,
    serviceAccountKey: kube.pki.serviceAccountKey,
    caCert: kube.pki.caCert,
    workDir: kube.workDir,
  };
  const clients: ManagedProcess[] = [];
  const track = (p: Promise<ManagedProcess>) =>
    p.then((proc) => {
      clients.push(proc);
      return proc;
    });
  // Clients (kwok, scheduler, controller-manager) first, then the API server, etcd last.
  const stop = async () => {
    await Promise.allSettled(clients.map((c) => c.stop(2_000)));
    await kube.stop();
  };
  const outcomes = await Promise.allSettled([
    track(startControllerManager(context)),
    track(startScheduler(context)),
    track(
      startKwok(
        { ...context, kwok: binaries.kwok },
        { annotation: `${kwokNodeAnnotation.key}=${kwokNodeAnnotation.value}` },
      ),
    ),
  ]);
  const failed = outcomes.find((o) => o.status === "rejected");
  try {
    if (failed !== undefined) throw failed.reason;
    const controllerManager = clients.find((c) => c.name === "kube-controller-manager");
    await waitUntil(
      "the default ServiceAccount (created by the controller-manager)",
      async () =>
        (await httpsStatus(`${kube.server}/api/v1/namespaces/default/serviceaccounts/default`, {
          pki: kube.pki,
        })) === 200,
      60_000,
      controllerManager,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    kube,
    binaries,
    context,
    startMs: Math.round(performance.now() - began),
    stop,
  };
}
