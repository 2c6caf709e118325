import { KubeConfig } from "@kubernetes/client-node";

/**
 * Loads credentials for the API server: an explicit kubeconfig file, the in-cluster
 * ServiceAccount when running in a Pod, else the default kubeconfig chain (KUBECONFIG, ~/.kube).
 */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path !== undefined) kc.loadFromFile(path);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (kc.getCurrentCluster() === null) {
    throw new Error("no Kubernetes cluster configured; pass --kubeconfig or run inside a Pod");
  }
  return kc;
}
