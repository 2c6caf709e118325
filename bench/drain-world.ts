import { DiscoveryV1Api, makeInformer, type V1EndpointSlice } from "@kubernetes/client-node";
import { collectPages } from "../providers/aws/paginate.js";
import { loadKubeConfig } from "../src/kube/client/kubeconfig.js";
import { type LocalControlPlane, startControlPlane } from "../test/harness/control-plane.js";
import { type SeededVpc, seedVpc } from "../test/harness/ec2-seed.js";
import { KubeObjects } from "../test/harness/kube-objects.js";
import { localStackEc2Client } from "../test/harness/localstack.js";
import { Workloads } from "../test/harness/workloads.js";
import { benchEc2Port } from "./aws-world.js";
import { startEc2 } from "./environment.js";
import type { Cleanup } from "./support.js";

/** Everything a drain benchmark drives: control plane, EC2, the VPN Deployment and its slices. */
export interface DrainWorld {
  readonly plane: LocalControlPlane;
  readonly endpoint: string;
  readonly vpc: SeededVpc;
  readonly namespace: string;
  readonly workloads: Workloads;
  /** The CIDR's target ENI in each seeded table (undefined where there is no route). */
  routeTargets(): Promise<(string | undefined)[]>;
  /** Slice observations: when (performance.now()) which nodes had a ready, serving endpoint. */
  readonly sliceLog: { at: number; readyNodes: string[] }[];
}

/** The bench's VPN networks and the Service it annotates. */
export const drainCidr = "10.8.0.0/24";

/**
 * Starts LocalStack and a dedicated control plane, seeds a VPC whose three instances are kwok
 * Nodes, and deploys the VPN server (one replica, one Pod per node, 1 s grace) behind an
 * annotated Service. An informer timestamps every EndpointSlice change.
 */
export async function startDrainWorld(
  cleanup: Cleanup,
  onNoEndpoint?: string,
): Promise<DrainWorld> {
  const [plane, localstack] = await Promise.all([
    startControlPlane().then((p) => {
      cleanup.add("control plane", () => p.stop());
      return p;
    }),
    startEc2(cleanup),
  ]);
  const kubeConfig = loadKubeConfig(plane.kube.kubeconfigPath);
  const vpc = await seedVpc(localStackEc2Client(localstack.endpoint), { name: "bench-drain" });
  const namespace = "bench-drain";
  const workloads = new Workloads(kubeConfig);
  const objects = new KubeObjects(kubeConfig);
  await objects.ensureNamespace(namespace);
  await workloads.createSeededNodes(vpc.nodes, namespace);
  await objects.createService(
    namespace,
    "openvpn",
    {
      "vpc-route-sync.io/cidrs": drainCidr,
      ...(onNoEndpoint ? { "vpc-route-sync.io/on-no-endpoint": onNoEndpoint } : {}),
    },
    { app: "openvpn" },
  );
  await workloads.createDeployment({
    namespace,
    name: "openvpn",
    pool: namespace,
    replicas: 1,
    onePerNode: true,
    gracePeriodSeconds: 1,
  });
  const sliceLog: DrainWorld["sliceLog"] = [];
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const informer = makeInformer(
    kubeConfig,
    `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
    () => discovery.listNamespacedEndpointSlice({ namespace }),
  );
  const record = (slice: V1EndpointSlice) => {
    const readyNodes = (slice.endpoints ?? [])
      .filter((e) => e.conditions?.ready === true && e.conditions?.terminating !== true)
      .map((e) => e.nodeName ?? "");
    sliceLog.push({ at: performance.now(), readyNodes });
  };
  informer.on("add", record);
  informer.on("update", record);
  await informer.start();
  cleanup.add("EndpointSlice informer", () => informer.stop());
  const port = benchEc2Port(localstack.endpoint);
  const routeTargets = async () => {
    const tables = await collectPages(
      port.describeRouteTables([{ name: "route-table-id", values: [...vpc.routeTableIds] }]),
    );
    return vpc.routeTableIds.map(
      (id) =>
        tables.find((t) => t.id === id)?.routes.find((r) => r.destinationCidr === drainCidr)
          ?.networkInterfaceId,
    );
  };
  return {
    plane,
    endpoint: localstack.endpoint,
    vpc,
    namespace,
    workloads,
    routeTargets,
    sliceLog,
  };
}
