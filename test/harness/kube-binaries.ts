import { runBuildScript } from "./build-script.js";

/** Where the cached control-plane binaries live (all built by `test/harness/build-k8s.sh`). */
export interface KubeBinaries {
  readonly etcd: string;
  readonly kubeApiServer: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubectl: string;
  readonly kwok: string;
}

/**
 * Builds (or reuses from the cache) etcd, the control plane, kubectl and kwok; progress goes to
 * stderr. The script is idempotent and returns at once when everything is cached.
 */
export async function ensureKubeBinaries(): Promise<KubeBinaries> {
  const bins = await runBuildScript("build-k8s.sh", [
    "ETCD_BIN",
    "KUBE_APISERVER_BIN",
    "KUBE_CONTROLLER_MANAGER_BIN",
    "KUBE_SCHEDULER_BIN",
    "KUBECTL_BIN",
    "KWOK_BIN",
  ]);
  return {
    etcd: bins.ETCD_BIN,
    kubeApiServer: bins.KUBE_APISERVER_BIN,
    kubeControllerManager: bins.KUBE_CONTROLLER_MANAGER_BIN,
    kubeScheduler: bins.KUBE_SCHEDULER_BIN,
    kubectl: bins.KUBECTL_BIN,
    kwok: bins.KWOK_BIN,
  };
}
