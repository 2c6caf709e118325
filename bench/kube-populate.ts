import { setTimeout as sleep } from "node:timers/promises";
import { ApiException } from "@kubernetes/client-node";
import type { KubeObjects } from "../test/harness/kube-objects.js";
import { say } from "./support.js";

/** How big a cluster to build: Nodes, and Services (each with one EndpointSlice) over namespaces. */
export interface ClusterScale {
  readonly nodes: number;
  readonly services: number;
  readonly namespaces: number;
  readonly concurrency: number;
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` in flight, printing progress. */
async function bounded(
  what: string,
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      await retrying(() => task(i));
      if (++done % 2_500 === 0 || done === total) {
        const rate = done / ((performance.now() - started) / 1000);
        say(`  ${what}: ${done}/${total} (${rate.toFixed(0)}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Creates once; 409 means it exists already; overload (429, 5xx, resets) is retried. */
async function retrying(create: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await create();
      return;
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) return;
      const transient = !(error instanceof ApiException) || error.code === 429 || error.code >= 500;
      if (!transient || attempt >= 8) throw error;
      await sleep(100 * 2 ** attempt);
    }
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/**
 * Fills the API server with a cluster of `scale`: Nodes shaped like a kubelet's (labels,
 * providerID, addresses, capacity), namespaces `scale-NN`, Services without any vpc-route-sync
 * annotation, and one EndpointSlice per Service with two ready endpoints. The Services are
 * headless: ClusterIP allocation from the harness's /16 service range made creation slow down
 * to ~20/s past 15,000 on this 2-core machine, and the controller reads the same fields
 * either way (it keeps no unannotated Service at all).
 */
export async function populateCluster(objects: KubeObjects, scale: ClusterScale): Promise<void> {
  const { core, discovery } = objects;
  await bounded("Nodes", scale.nodes, scale.concurrency, async (i) => {
    const name = `scale-node-${pad(i, 5)}`;
    await core.createNode({
      body: {
        metadata: {
          name,
          labels: {
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": "m6i.large",
            "topology.kubernetes.io/zone": `us-east-1${"abc"[i % 3]}`,
          },
        },
        spec: { providerID: `aws:///us-east-1a/i-${pad(i, 17)}` },
        status: {
          addresses: [
            { type: "InternalIP", address: `10.100.${Math.floor(i / 250)}.${(i % 250) + 1}` },
            { type: "Hostname", address: name },
          ],
          capacity: { cpu: "2", memory: "8Gi", pods: "110" },
          allocatable: { cpu: "1930m", memory: "7Gi", pods: "110" },
        },
      },
    });
  });
  await bounded("namespaces", scale.namespaces, scale.concurrency, (i) =>
    objects.ensureNamespace(`scale-${pad(i, 2)}`),
  );
  const perNamespace = Math.ceil(scale.services / scale.namespaces);
  const where = (i: number) => ({
    namespace: `scale-${pad(Math.floor(i / perNamespace), 2)}`,
    name: `svc-${pad(i % perNamespace, 4)}`,
  });
  await bounded("Services", scale.services, scale.concurrency, async (i) => {
    const { namespace, name } = where(i);
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name, labels: { app: name, team: `team-${i % 17}` } },
        spec: {
          clusterIP: "None",
          selector: { app: name },
          ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }],
        },
      },
    });
  });
  await bounded("EndpointSlices", scale.services, scale.concurrency, async (i) => {
    const { namespace, name } = where(i);
    const endpoint = (k: number) => ({
      addresses: [`10.200.${Math.floor((2 * i + k) / 250) % 250}.${((2 * i + k) % 250) + 1}`],
      nodeName: `scale-node-${pad((i + k * 7) % scale.nodes, 5)}`,
      conditions: { ready: true, serving: true, terminating: false },
    });
    await discovery.createNamespacedEndpointSlice({
      namespace,
      body: {
        metadata: { name: `${name}-abcde`, labels: { "kubernetes.io/service-name": name } },
        addressType: "IPv4",
        endpoints: [endpoint(0), endpoint(1)],
        ports: [{ name: "", port: 8080, protocol: "TCP" }],
      },
    });
  });
}
