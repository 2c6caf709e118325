import { ApiException } from "@kubernetes/client-node";
import { loadKubeConfig } from "../src/kube/client/kubeconfig.js";
import { type LocalKubeApiServer, startKubeApiServer } from "../test/harness/kube-apiserver.js";
import { KubeObjects } from "../test/harness/kube-objects.js";
import { type LocalStack, startLocalStack } from "../test/harness/localstack.js";
import type { Cleanup } from "./support.js";

/** Starts a dedicated kube-apiserver (+ etcd) whose stop is registered before it is returned. */
export async function startKube(cleanup: Cleanup): Promise<LocalKubeApiServer> {
  const kube = await startKubeApiServer();
  cleanup.add("kube-apiserver", () => kube.stop());
  return kube;
}

/** Starts a dedicated LocalStack (EC2) whose stop is registered before it is returned. */
export async function startEc2(cleanup: Cleanup): Promise<LocalStack> {
  const localstack = await startLocalStack();
  cleanup.add("LocalStack", () => localstack.stop());
  // The AWS provider uses the SDK's default credential chain; LocalStack accepts any keys.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
  return localstack;
}

/**
 * Starts both in parallel; when one fails, waits for the other so that its stop is registered
 * too, then throws the first error.
 */
export async function startKubeAndEc2(
  cleanup: Cleanup,
): Promise<{ kube: LocalKubeApiServer; localstack: LocalStack }> {
  const [kube, localstack] = await Promise.allSettled([startKube(cleanup), startEc2(cleanup)]);
  if (kube.status === "rejected") throw kube.reason;
  if (localstack.status === "rejected") throw localstack.reason;
  return { kube: kube.value, localstack: localstack.value };
}

/** A cluster node as the benchmarks create it. */
export interface BenchNode {
  readonly name: string;
  readonly providerId: string;
  readonly internalIp: string;
}

/**
 * Creates the nodes, the namespace and the annotated VPN Service `vpn` with its endpoint on the
 * first node; returns the objects writer for later moves.
 */
export async function createVpnService(
  kubeconfigPath: string,
  namespace: string,
  cidrs: readonly string[],
  nodes: readonly BenchNode[],
): Promise<KubeObjects> {
  const objects = new KubeObjects(loadKubeConfig(kubeconfigPath));
  for (const node of nodes) {
    try {
      await objects.createNode(node);
    } catch (error) {
      // Several configurations share the nodes; 409 means an earlier one created it.
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    }
  }
  await objects.ensureNamespace(namespace);
  await objects.createService(namespace, "vpn", { "vpc-route-sync.io/cidrs": cidrs.join(", ") });
  const first = nodes[0];
  if (first === undefined) throw new Error("no nodes to host the VPN endpoint");
  await objects.setEndpoints(namespace, "vpn", [{ nodeName: first.name, address: "10.244.0.10" }]);
  return objects;
}
