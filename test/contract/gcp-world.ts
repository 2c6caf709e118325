/**
 * The contract world of the GCP provider: the real @google-cloud/compute SDK against the Compute
 * Engine fake over HTTP, sharing one virtual clock (realistic operation lifetimes at no wall
 * time). The network is the one "table"; the fake's route log shows every state a move goes
 * through, so make-before-break is checked on state, not on calls.
 */
import { createGcpProvider, type GcpProviderOptions } from "../../providers/gcp/index.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { silentLogger } from "../../src/observability/logger.js";
import type { InstanceSeed } from "../fakes/gcp/control.js";
import { ManualClock } from "../fakes/gcp/manual-clock.js";
import { fakeAuthClient } from "../fakes/gcp/sdk-options.js";
import { startFakeCompute } from "../fakes/gcp/server.js";
import type { ContractWorld } from "./world.js";
import { routeWrite } from "./writes.js";

const project = "contract-project";
const network = "vpc";
const instances: readonly InstanceSeed[] = [
  { name: "gcp-node-a", zone: "europe-west1-b", network, networkIP: "10.0.0.2" },
  { name: "gcp-node-b", zone: "europe-west1-c", network, networkIP: "10.0.0.3" },
  { name: "gcp-node-c", zone: "europe-west1-d", network, networkIP: "10.0.0.4" },
];

/** Starts a GCP world: network `vpc` with pod/service ranges, three instances, a decoy network. */
export async function startGcpWorld(): Promise<ContractWorld> {
  const clock = new ManualClock();
  const fake = await startFakeCompute({
    project,
    clock,
    timings: { pendingMs: 500, runningMs: 2_000, waitMaxMs: 120_000, waitPollMs: 250 },
  });
  const { control } = fake;
  control.seedNetwork({ name: network });
  control.seedSubnetwork({
    name: "nodes",
    region: "europe-west1",
    network,
    ipCidrRange: "10.0.0.0/20",
    secondaryIpRanges: [
      { rangeName: "pods", ipCidrRange: "10.4.0.0/14" },
      { rangeName: "services", ipCidrRange: "10.3.240.0/20" },
    ],
  });
  control.seedNetwork({ name: "decoy" });
  control.seedSubnetwork({
    name: "decoy",
    region: "europe-west1",
    network: "decoy",
    ipCidrRange: "192.168.0.0/24",
  });
  for (const seed of instances) control.seedInstance(seed);

  const settings = (clusterId: string): GcpProviderOptions => ({
    clusterId,
    project,
    network,
    clock,
    logger: silentLogger(),
    endpoint: fake.url,
    authClient: fakeAuthClient(),
  });
  const nodes = instances.map(
    (i): NodeInfo => ({
      name: i.name,
      providerId: `gce://${project}/${i.zone}/${i.name}`,
      internalIps: [i.networkIP],
    }),
  );
  const seedOf = (node: NodeInfo): InstanceSeed => {
    const seed = instances.find((i) => i.name === node.name);
    if (seed === undefined) throw new Error(`no instance seeded for ${node.name}`);
    return seed;
  };
  const [a, b, c] = nodes;
  if (a === undefined || b === undefined || c === undefined) throw new Error("three nodes");

  return {
    clusterId: "contract",
    provider: createGcpProvider(settings("contract")),
    nodes: [a, b, c],
    tables: [network],
    networkCidrs: ["10.0.0.0/20", "10.4.0.0/14", "10.3.240.0/20"],
    restart: () => createGcpProvider(settings("contract")),
    async putForeignRoute(_table, cidr, node) {
      const seed = seedOf(node);
      control.seedRoute({
        name: `hand-made-${cidr.replace(/[./]/g, "-")}`,
        network,
        destRange: cidr,
        nextHopInstance: `zones/${seed.zone}/instances/${seed.name}`,
      });
    },
    async putOtherClusterRoute(table, cidr, node, owner) {
      const theirs = createGcpProvider(settings(owner.clusterId));
      const target = await theirs.resolveTarget(node, 4);
      await theirs.applyWrite(routeWrite("create", table, cidr, owner, target));
    },
    injectThrottle() {
      control.faults.failNext("routes.insert", { kind: "status", status: 403 });
    },
    throttledAnswers: () => control.calls.all().filter((call) => call.faulted).length,
    async setForwarding(node, on) {
      control.seedInstance({ ...seedOf(node), canIpForward: on });
    },
    interfaceName: (node) => seedOf(node).name,
    watchRoutes(cidr) {
      const counts: number[] = [];
      const unsubscribe = control.onRoutesChanged((routes) => {
        counts.push(routes.filter((r) => r.destRange === cidr).length);
      });
      return {
        stop() {
          unsubscribe();
          return {
            evidence: "state log",
            gapless: counts.length > 0 && counts.every((n) => n >= 1),
            detail: `routes for ${cidr} after each change: [${counts.join(", ")}]`,
          };
        },
      };
    },
    close: () => fake.close(),
  };
}
