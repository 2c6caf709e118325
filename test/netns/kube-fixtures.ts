import {
  ApiException,
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1EndpointSlice,
} from "@kubernetes/client-node";
import { ensureNodeAddresses, fixtureSliceManager } from "../harness/kube-objects.js";
import type { LabNode } from "./lab.js";
import type { LabPod } from "./pods.js";

const isStatus = (error: unknown, code: number) =>
  error instanceof ApiException && error.code === code;

/**
 * Writes what a real cluster's kubelets and controller-manager would (the harness has neither):
 * dual-stack Nodes, the annotated VPN Service and one EndpointSlice per address family.
 */
export class LabKube {
  readonly namespace = "vpn";
  readonly service = "openvpn";
  private readonly core: CoreV1Api;
  private readonly discovery: DiscoveryV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  }

  async createNodes(nodes: readonly LabNode[]): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name: this.namespace } } });
    for (const node of nodes) {
      const addresses = [
        { type: "InternalIP", address: node.ipv4 },
        { type: "InternalIP", address: node.ipv6 },
      ];
      await this.core.createNode({
        body: { metadata: { name: node.name }, status: { addresses } },
      });
      await ensureNodeAddresses(this.core, node.name, addresses);
    }
  }

  async createService(annotations: Record<string, string>): Promise<void> {
    await this.core.createNamespacedService({
      namespace: this.namespace,
      body: {
        metadata: { name: this.service, annotations },
        spec: { selector: { app: "openvpn" }, ports: [{ port: 1194, protocol: "UDP" }] },
      },
    });
  }

  async deleteService(): Promise<void> {
    await this.core.deleteNamespacedService({ namespace: this.namespace, name: this.service });
  }

  /** Points both EndpointSlices at the Pod, as the EndpointSlice controller does when it moves. */
  async setEndpoints(pod: LabPod): Promise<void> {
    for (const [family, address] of [
      ["IPv4", pod.ipv4],
      ["IPv6", pod.ipv6],
    ] as const) {
      const name = `${this.service}-${family.toLowerCase()}`;
      const body: V1EndpointSlice = {
        metadata: {
          name,
          namespace: this.namespace,
          labels: {
            "kubernetes.io/service-name": this.service,
            "endpointslice.kubernetes.io/managed-by": fixtureSliceManager,
          },
        },
        addressType: family,
        endpoints: [
          {
            addresses: [address],
            nodeName: pod.node.name,
            conditions: { ready: true, serving: true, terminating: false },
          },
        ],
        ports: [{ port: 1194, protocol: "UDP" }],
      };
      try {
        const current = await this.discovery.readNamespacedEndpointSlice({
          namespace: this.namespace,
          name,
        });
        body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion };
        await this.discovery.replaceNamespacedEndpointSlice({
          namespace: this.namespace,
          name,
          body,
        });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
        await this.discovery.createNamespacedEndpointSlice({ namespace: this.namespace, body });
      }
    }
  }
}
