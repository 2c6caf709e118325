import { randomUUID } from "node:crypto";
import { createGcpSdkPort } from "../providers/gcp/client.js";
import type { GcpOperation, GcpPort } from "../providers/gcp/port.js";
import { instanceId, instanceUrl, networkUrl } from "../providers/gcp/resource-paths.js";
import { fakeAuthClient } from "../test/fakes/gcp/sdk-options.js";
import type { FakeCompute } from "../test/fakes/gcp/server.js";
import type { KubeObjects } from "../test/harness/kube-objects.js";
import type { CallCounts } from "./bench-controller.js";
import type { BenchNode } from "./environment.js";
import type { MoveWorld } from "./move-bench.js";

/** The fake's project; every seed and call uses it. */
export const gcpProject = "bench-project";
const zones = ["europe-west1-b", "europe-west1-c", "europe-west1-d"];

/**
 * Seeds a network with a subnetwork and three instances (`<prefix>-node-<i>`, all able to
 * forward); returns them as the Nodes the cluster would have.
 */
export function seedGcpNetwork(fake: FakeCompute, network: string, range: number): BenchNode[] {
  const { control } = fake;
  control.seedNetwork({ name: network });
  control.seedSubnetwork({
    name: `${network}-nodes`,
    region: "europe-west1",
    network,
    ipCidrRange: `10.${range}.0.0/20`,
  });
  return zones.map((zone, i) => {
    const name = `${network}-node-${i}`;
    const networkIP = `10.${range}.0.${10 + i}`;
    control.seedInstance({ name, zone, network, networkIP, canIpForward: true });
    return { name, providerId: `gce://${gcpProject}/${zone}/${name}`, internalIp: networkIP };
  });
}

const instanceRef = (node: number, network: string) =>
  instanceUrl(
    instanceId({ project: gcpProject, zone: zones[node] ?? "", name: `${network}-node-${node}` }),
  );

/** routes.insert / routes.delete, then globalOperations.wait until DONE: the raw protocol. */
async function done(port: GcpPort, submitted: Promise<GcpOperation>): Promise<void> {
  let op = await submitted;
  while (op.status !== "DONE") op = await port.waitOperation(gcpProject, op.name, 10_000);
  if (op.errors.length > 0) throw new Error(`operation ${op.name} failed: ${op.errors[0]?.code}`);
}

const routesTo = (fake: FakeCompute, network: string, cidrs: readonly string[], node: number) => {
  const hop = `/instances/${network}-node-${node}`;
  const routes = fake.control.routes().filter((r) => String(r.network).endsWith(`/${network}`));
  return cidrs.every((c) => {
    const mine = routes.filter((r) => r.destRange === c);
    return mine.length === 1 && String(mine[0]?.nextHopInstance ?? "").endsWith(hop);
  });
};

/** The floor's own routes in network `floor`, read and moved by the raw calls; one per shape. */
export interface GcpFloor {
  read(): Promise<void>;
  move(to: number): Promise<void>;
  isAt(to: number): boolean;
}

/**
 * Seeds the floor's routes (every CIDR to floor node 0) and returns how to read and move them:
 * one routes.list of the network (the read the controller's pass makes), then make-before-break
 * per CIDR exactly as GCP needs (insert at the other priority, wait DONE, delete the old, wait
 * DONE), CIDRs at once: each CIDR's routes are their own resources, and the controller switches
 * them at once too.
 */
export function createGcpFloor(
  fake: FakeCompute,
  shape: string,
  cidrs: readonly string[],
): GcpFloor {
  const port = createGcpSdkPort({ endpoint: fake.url, authClient: fakeAuthClient() });
  const current = new Map<string, { name: string; priority: number }>();
  let serial = 0;
  for (const destRange of cidrs) {
    const name = `floor-${shape}-${++serial}`;
    fake.control.seedRoute({
      name,
      network: "floor",
      destRange,
      nextHopInstance: instanceRef(0, "floor"),
    });
    current.set(destRange, { name, priority: 1000 });
  }
  const floorNetwork = networkUrl({ project: gcpProject, name: "floor" });
  const moveOne = async (destRange: string, to: number): Promise<void> => {
    const old = current.get(destRange) ?? { name: "", priority: 1000 };
    const route = {
      name: `floor-${shape}-${++serial}`,
      network: floorNetwork,
      destRange,
      priority: old.priority === 1000 ? 999 : 1000,
      nextHopInstance: instanceRef(to, "floor"),
      description: "benchmark floor",
    };
    await done(port, port.insertRoute(gcpProject, route, randomUUID()));
    await done(port, port.deleteRoute(gcpProject, old.name, randomUUID()));
    current.set(destRange, route);
  };
  return {
    async read() {
      let pageToken: string | undefined;
      do {
        const page = await port.listRoutes(gcpProject, `network = "${floorNetwork}"`, pageToken);
        pageToken = page.nextPageToken;
      } while (pageToken);
    },
    async move(to) {
      await Promise.all(cidrs.map((destRange) => moveOne(destRange, to)));
    },
    isAt: (to) => routesTo(fake, "floor", cidrs, to),
  };
}

/** The move benchmark's GCP side: the controller manages network `vpc`; `floor` is separate. */
export function gcpMoveWorld(args: {
  readonly fake: FakeCompute;
  readonly floor: GcpFloor;
  readonly objects: KubeObjects;
  readonly namespace: string;
  readonly nodes: readonly BenchNode[];
  readonly cidrs: readonly string[];
  readonly calls: () => Promise<CallCounts>;
}): MoveWorld {
  return {
    moveEndpoint: (to, move) =>
      args.objects.setEndpoints(args.namespace, "vpn", [
        { nodeName: args.nodes[to]?.name ?? "", address: `10.244.${to}.${10 + (move % 200)}` },
      ]),
    isConverged: async (to) => routesTo(args.fake, "vpc", args.cidrs, to),
    floorRead: () => args.floor.read(),
    floorMove: (_from, to) => args.floor.move(to),
    isFloorConverged: async (to) => args.floor.isAt(to),
    calls: args.calls,
  };
}
