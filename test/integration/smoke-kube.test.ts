import {
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  type Informer,
  KubeConfig,
  makeInformer,
  type V1EndpointSlice,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

describe("kube-apiserver harness", () => {
  const namespace = "smoke-kube";
  const kc = new KubeConfig();
  let core: CoreV1Api;
  let discovery: DiscoveryV1Api;
  let informer: Informer<V1EndpointSlice> | undefined;

  beforeAll(async () => {
    kc.loadFromFile(inject("kubeconfigPath"));
    core = kc.makeApiClient(CoreV1Api);
    discovery = kc.makeApiClient(DiscoveryV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await informer?.stop();
  });

  it("stores an annotated Service and a Lease", async () => {
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: "openvpn", annotations: { "vpc-route-sync.io/cidrs": "10.8.0.0/24" } },
        // No selector: the real EndpointSlice controller runs; the slices here are hand-written.
        spec: { ports: [{ port: 1194, protocol: "UDP" }] },
      },
    });
    const svc = await core.readNamespacedService({ namespace, name: "openvpn" });
    expect(svc.metadata?.annotations?.["vpc-route-sync.io/cidrs"]).toBe("10.8.0.0/24");
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);

    const coordination = kc.makeApiClient(CoordinationV1Api);
    await coordination.createNamespacedLease({
      namespace,
      body: {
        metadata: { name: "smoke" },
        spec: { holderIdentity: "smoke-test", leaseDurationSeconds: 15 },
      },
    });
    const lease = await coordination.readNamespacedLease({ namespace, name: "smoke" });
    expect(lease.spec?.holderIdentity).toBe("smoke-test");
  });

  it("delivers an EndpointSlice update to an informer", async () => {
    const path = `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;
    const started = makeInformer(kc, path, () =>
      discovery.listNamespacedEndpointSlice({ namespace }),
    );
    informer = started;
    const seen: string[] = [];
    const updated = new Promise<void>((resolve) => {
      started.on("update", (slice) => {
        seen.push(slice.endpoints?.[0]?.nodeName ?? "");
        if (slice.endpoints?.[0]?.nodeName === "node-b") resolve();
      });
    });
    await started.start();

    const body: V1EndpointSlice = {
      metadata: { name: "openvpn-abc", labels: { "kubernetes.io/service-name": "openvpn" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.244.0.5"], nodeName: "node-a", conditions: { ready: true } }],
      ports: [{ port: 1194, protocol: "UDP" }],
    };
    await discovery.createNamespacedEndpointSlice({ namespace, body });
    const current = await discovery.readNamespacedEndpointSlice({ namespace, name: "openvpn-abc" });
    current.endpoints = [
      { addresses: ["10.244.1.7"], nodeName: "node-b", conditions: { ready: true } },
    ];
    await discovery.replaceNamespacedEndpointSlice({
      namespace,
      name: "openvpn-abc",
      body: current,
    });

    await updated;
    expect(seen).toContain("node-b");
  });
});
