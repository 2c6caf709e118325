import {
  ApiException,
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1EndpointSlice,
} from "@kubernetes/client-node";

/**
 * The `endpointslice.kubernetes.io/managed-by` value of the EndpointSlices these fixtures write
 * in place of the EndpointSlice controller. The controllers under test trust it explicitly
 * (`trustedEndpointSliceManagers`), as an admin would trust a controller managing the slices of
 * a selector-less Service.
 */
export const fixtureSliceManager = "vpc-route-sync-test-fixtures";

const hasStatus = (error: unknown, code: number) =>
  error instanceof ApiException && error.code === code;

/**
 * Gives a Node the addresses a kubelet would report, if creating it did not keep them. A JSON
 * patch carries no resourceVersion, so it cannot conflict with the controller-manager's own
 * writes to a new Node (its lifecycle controller taints it within milliseconds); a read-then-
 * replace can, and did (409 in a CI run).
 */
export async function ensureNodeAddresses(
  core: CoreV1Api,
  name: string,
  addresses: readonly { type: string; address: string }[],
): Promise<void> {
  const current = await core.readNode({ name });
  if ((current.status?.addresses ?? []).length >= addresses.length) return;
  await core.patchNodeStatus({
    name,
    body: [{ op: "add", path: "/status/addresses", value: addresses }],
  });
}

/** A cluster node as tests and the demo create it: name, providerID and InternalIP. */
export interface TestNode {
  readonly name: string;
  readonly providerId: string;
  readonly internalIp: string;
}

/**
 * Writes Kubernetes objects by hand: Nodes, the VPN Service and an EndpointSlice. The integration
 * control plane runs the real EndpointSlice controller, so a Service made here has no selector:
 * its hand-written slice is then legitimately someone else's, which is how tests feed the
 * controller states (hostile, malformed, or simply chosen) a real controller would not produce.
 * User-story tests use Deployments and selectors instead (see workloads.ts).
 */
export class KubeObjects {
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  }

  async ensureNamespace(name: string): Promise<void> {
    try {
      await this.core.createNamespace({ body: { metadata: { name } } });
    } catch (error) {
      if (!hasStatus(error, 409)) throw error;
    }
  }

  async createNode(node: TestNode): Promise<void> {
    await this.core.createNode({
      body: {
        metadata: { name: node.name },
        spec: { providerID: node.providerId },
        status: { addresses: [{ type: "InternalIP", address: node.internalIp }] },
      },
    });
    await ensureNodeAddresses(this.core, node.name, [
      { type: "InternalIP", address: node.internalIp },
    ]);
  }

  /** A Service without a selector unless one is given (then the EndpointSlice controller's). */
  async createService(
    namespace: string,
    name: string,
    annotations: Record<string, string>,
    selector?: Record<string, string>,
  ): Promise<void> {
    await this.core.createNamespacedService({
      namespace,
      body: {
        metadata: { name, annotations },
        spec: { ...(selector ? { selector } : {}), ports: [{ port: 1194, protocol: "UDP" }] },
      },
    });
  }

  /**
   * Replaces the Service's annotations (all of them) with one JSON patch, so the controller's
   * concurrent status writes cannot fail it with a 409 as a read-then-replace would.
   */
  async setServiceAnnotations(
    namespace: string,
    name: string,
    annotations: Record<string, string>,
  ): Promise<void> {
    await this.core.patchNamespacedService({
      namespace,
      name,
      body: [{ op: "add", path: "/metadata/annotations", value: annotations }],
    });
  }

  async deleteService(namespace: string, name: string): Promise<void> {
    await this.core.deleteNamespacedService({ namespace, name });
  }

  /** Creates or replaces the Service's single EndpointSlice with one endpoint per given node. */
  async setEndpoints(
    namespace: string,
    service: string,
    endpoints: readonly {
      nodeName: string;
      address: string;
      ready?: boolean;
      terminating?: boolean;
    }[],
  ): Promise<void> {
    const name = `${service}-vrs`;
    const body: V1EndpointSlice = {
      metadata: {
        name,
        namespace,
        labels: {
          "kubernetes.io/service-name": service,
          "endpointslice.kubernetes.io/managed-by": fixtureSliceManager,
        },
      },
      addressType: "IPv4",
      endpoints: endpoints.map((e) => ({
        addresses: [e.address],
        nodeName: e.nodeName,
        conditions: {
          ready: e.ready ?? true,
          serving: e.ready ?? true,
          terminating: e.terminating ?? false,
        },
      })),
      ports: [{ port: 1194, protocol: "UDP" }],
    };
    try {
      const current = await this.discovery.readNamespacedEndpointSlice({ namespace, name });
      body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion };
      await this.discovery.replaceNamespacedEndpointSlice({ namespace, name, body });
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
      await this.discovery.createNamespacedEndpointSlice({ namespace, body });
    }
  }
}
