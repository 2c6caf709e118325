import { KubeConfig } from "@kubernetes/client-node";

/**
 * A `@kubernetes/client-node` KubeConfig, for code that builds Kubernetes fixtures with that
 * library: the demo, the test harness and the bench. The controller and the agent never load
 * it; they use `loadKubeAccess` (api/load-access.ts), and accept a config from here as well.
 * Loads an explicit kubeconfig file, the in-cluster ServiceAccount when running in a Pod, else
 * the default kubeconfig chain (KUBECONFIG, ~/.kube).
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
