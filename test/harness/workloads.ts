import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1Pod,
} from "@kubernetes/client-node";
import { kwokNodeAnnotation } from "./control-plane-components.js";
import type { SeededNode } from "./ec2-seed.js";
import { ensureNodeAddresses } from "./kube-objects.js";
import { poolLabel, type VpnDeploymentSpec, vpnDeployment } from "./vpn-deployment.js";

/** A Node kwok plays the kubelet for, standing in for a seeded instance. */
export interface KwokNode {
  readonly name: string;
  readonly providerId: string;
  readonly internalIp: string;
  readonly zone: string;
  /** Label value that pins a scenario's Pods to its own Nodes (shared control plane). */
  readonly pool: string;
  /** Managed by the shared kwok, or by a kwok of its own that a test can stop (a crash). */
  readonly kwok: "shared" | "own";
}

/** Annotation value for Nodes a test's own kwok manages (the shared kwok ignores them). */
export const ownKwokValue = "own";

/**
 * Deployments, Pods and kwok Nodes for user-story tests: what an operator creates, with the
 * scheduler, controller-manager and kwok doing the rest.
 */
export class Workloads {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly discovery: DiscoveryV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  }

  /**
   * Creates the Node with both an InternalIP and a Hostname address (kwok's stock stages rewrite
   * the address list of a Node without a Hostname) and the zone label the node-lifecycle
   * controller groups Nodes by.
   */
  async createNode(node: KwokNode): Promise<void> {
    const addresses = [
      { type: "InternalIP", address: node.internalIp },
      { type: "Hostname", address: node.name },
    ];
    await this.core.createNode({
      body: {
        metadata: {
          name: node.name,
          labels: {
            "kubernetes.io/hostname": node.name,
            "topology.kubernetes.io/zone": node.zone,
            [poolLabel]: node.pool,
            type: "kwok",
          },
          annotations: {
            [kwokNodeAnnotation.key]:
              node.kwok === "shared" ? kwokNodeAnnotation.value : ownKwokValue,
          },
        },
        spec: { providerID: node.providerId },
        status: { addresses },
      },
    });
    await ensureNodeAddresses(this.core, node.name, addresses);
  }

  /** One Node of the shared kwok per seeded instance, in `pool`, named and zoned as the instance. */
  async createSeededNodes(nodes: readonly SeededNode[], pool: string): Promise<void> {
    for (const node of nodes) {
      await this.createNode({
        name: node.name,
        providerId: node.providerId,
        internalIp: node.privateIp,
        zone: node.availabilityZone,
        pool,
        kwok: "shared",
      });
    }
  }

  /** Creates the VPN server Deployment: `replicas` Pods on the pool's Nodes. */
  async createDeployment(spec: VpnDeploymentSpec): Promise<void> {
    await this.apps.createNamespacedDeployment({
      namespace: spec.namespace,
      body: vpnDeployment(spec),
    });
  }

  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    await this.apps.patchNamespacedDeploymentScale({
      namespace,
      name,
      body: [{ op: "replace", path: "/spec/replicas", value: replicas }],
    });
  }

  /** Changes the Pod template (a rolling update), as `kubectl rollout restart` does. */
  async restartRollout(namespace: string, name: string, stamp: string): Promise<void> {
    await this.apps.patchNamespacedDeployment({
      namespace,
      name,
      body: [
        {
          op: "add",
          path: "/spec/template/metadata/annotations",
          value: { "kubectl.kubernetes.io/restartedAt": stamp },
        },
      ],
    });
  }

  async pods(namespace: string, app: string): Promise<V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
  }

  /** The app's ready, not terminating Pods: those the EndpointSlice shows as ready. */
  async readyPods(namespace: string, app: string): Promise<V1Pod[]> {
    return (await this.pods(namespace, app)).filter(
      (p) => p.metadata?.deletionTimestamp === undefined && isPodReady(p),
    );
  }

  /** Marks the Node unschedulable, as `kubectl cordon` does. */
  async cordon(name: string, unschedulable = true): Promise<void> {
    await this.core.patchNode({
      name,
      body: [{ op: "add", path: "/spec/unschedulable", value: unschedulable }],
    });
  }

  /** Evicts every Pod of `namespace` on the Node through the Eviction API, as a drain does. */
  async evictPodsOn(node: string, namespace: string): Promise<string[]> {
    const pods = await this.core.listNamespacedPod({
      namespace,
      fieldSelector: `spec.nodeName=${node}`,
    });
    const evicted: string[] = [];
    for (const pod of pods.items) {
      const name = pod.metadata?.name ?? "";
      if (pod.metadata?.deletionTimestamp !== undefined) continue;
      await this.core.createNamespacedPodEviction({
        name,
        namespace,
        body: { metadata: { name, namespace } },
      });
      evicted.push(name);
    }
    return evicted;
  }
}

/** True when the Pod's Ready condition is True. */
export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
