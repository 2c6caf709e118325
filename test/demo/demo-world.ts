import { DescribeRouteTablesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import {
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type ListPromise,
  makeInformer,
  type V1EndpointSlice,
  type V1Pod,
} from "@kubernetes/client-node";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { type LocalControlPlane, startControlPlane } from "../harness/control-plane.js";
import { type SeededVpc, seedVpc } from "../harness/ec2-seed.js";
import { KubeObjects } from "../harness/kube-objects.js";
import { type LocalStack, localStackEc2Client, startLocalStack } from "../harness/localstack.js";
import { isPodReady, Workloads } from "../harness/workloads.js";
import type { DemoCleanup } from "./demo-cleanup.js";

/** The VPN clients' network the demo's Service announces. */
export const demoCidr = "10.8.0.0/24";
/** The namespace (and kwok node pool) of the VPN server. */
export const demoNamespace = "vpn";

/** When (performance.now()) the watch saw which nodes serving the app: a ready Pod or endpoint. */
export interface Sighting {
  readonly at: number;
  readonly readyNodes: readonly string[];
}

/** The demo's cluster and cloud, and what its watches saw. */
export interface DemoWorld {
  readonly plane: LocalControlPlane;
  readonly localstack: LocalStack;
  readonly ec2: EC2Client;
  readonly vpc: SeededVpc;
  readonly workloads: Workloads;
  /** Every Pod event: the nodes with a ready, not terminating VPN Pod at that moment. */
  readonly podLog: Sighting[];
  /** Every EndpointSlice event: the nodes with a ready, not terminating endpoint. */
  readonly sliceLog: Sighting[];
}

/**
 * Starts LocalStack and the real control plane (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok), seeds a VPC whose three instances become kwok Nodes (same providerID and
 * InternalIP), and deploys the VPN server: a one-replica Deployment (one Pod per node, 1 s grace)
 * behind the annotated Service. Informers timestamp every Pod and EndpointSlice change.
 */
export async function startDemoWorld(
  cleanup: DemoCleanup,
  say: (line: string) => void,
): Promise<DemoWorld> {
  const [localstack, plane] = await Promise.all([
    cleanup.started("LocalStack", startLocalStack(), (l) => l.stop()),
    cleanup.started("the control plane", startControlPlane(), (p) => p.stop()),
  ]);
  say(
    `  control plane ready in ${(plane.startMs / 1000).toFixed(1)} s; LocalStack EC2 at ${localstack.endpoint}`,
  );
  // The controller's AWS provider uses the SDK's default credential chain; LocalStack takes any.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
  const ec2 = localStackEc2Client(localstack.endpoint);
  const vpc = await seedVpc(ec2, { name: "demo" });
  say(`  VPC ${vpc.vpcId} (${vpc.vpcCidr}) with route tables ${vpc.routeTableIds.join(", ")}`);
  const kubeConfig = loadKubeConfig(plane.kube.kubeconfigPath);
  const workloads = new Workloads(kubeConfig);
  const objects = new KubeObjects(kubeConfig);
  await objects.ensureNamespace(demoNamespace);
  await workloads.createSeededNodes(vpc.nodes, demoNamespace);
  for (const node of vpc.nodes)
    say(`  kwok Node ${node.name}: ${node.providerId}, ${node.privateIp}, ${node.eniId}`);
  await objects.createService(
    demoNamespace,
    "openvpn",
    { "vpc-route-sync.io/cidrs": demoCidr },
    { app: "openvpn" },
  );
  await workloads.createDeployment({
    namespace: demoNamespace,
    name: "openvpn",
    pool: demoNamespace,
    replicas: 1,
    onePerNode: true,
    gracePeriodSeconds: 1,
  });
  say(
    `  Deployment ${demoNamespace}/openvpn (1 replica) behind Service ${demoNamespace}/openvpn, annotated vpc-route-sync.io/cidrs: "${demoCidr}"`,
  );
  const podLog: Sighting[] = [];
  const sliceLog: Sighting[] = [];
  const namespace = demoNamespace;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  await watch(
    cleanup,
    kubeConfig,
    `/api/v1/namespaces/${namespace}/pods`,
    () => core.listNamespacedPod({ namespace }),
    podLog,
    readyPodNodes,
  );
  await watch(
    cleanup,
    kubeConfig,
    `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
    () => discovery.listNamespacedEndpointSlice({ namespace }),
    sliceLog,
    readyEndpointNodes,
  );
  return { plane, localstack, ec2, vpc, workloads, podLog, sliceLog };
}

/** The CIDR's target ENI in each seeded table, in table order (undefined where there is none). */
export async function routeTargets(world: DemoWorld): Promise<(string | undefined)[]> {
  const ids = world.vpc.routeTableIds;
  const out = await world.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [...ids] }));
  return ids.map(
    (id) =>
      out.RouteTables?.find((t) => t.RouteTableId === id)?.Routes?.find(
        (r) => r.DestinationCidrBlock === demoCidr,
      )?.NetworkInterfaceId,
  );
}

const readyPodNodes = (pods: readonly V1Pod[]) =>
  pods
    .filter((p) => p.metadata?.deletionTimestamp === undefined && isPodReady(p))
    .map((p) => p.spec?.nodeName ?? "");

const readyEndpointNodes = (slices: readonly V1EndpointSlice[]) =>
  slices.flatMap((s) =>
    (s.endpoints ?? [])
      .filter((e) => e.conditions?.ready === true && e.conditions?.terminating !== true)
      .map((e) => e.nodeName ?? ""),
  );

/** An informer that logs, at each event, what `nodes` finds in its cache. */
async function watch<T extends V1Pod | V1EndpointSlice>(
  cleanup: DemoCleanup,
  kubeConfig: KubeConfig,
  path: string,
  list: ListPromise<T>,
  log: Sighting[],
  nodes: (items: readonly T[]) => string[],
): Promise<void> {
  const informer = makeInformer<T>(kubeConfig, path, list);
  const record = () => log.push({ at: performance.now(), readyNodes: nodes(informer.list()) });
  for (const event of ["add", "update", "delete"] as const) informer.on(event, record);
  await informer.start();
  cleanup.add(`the watch on ${path}`, () => informer.stop());
}
