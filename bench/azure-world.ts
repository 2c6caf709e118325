import { createAzureSdkPort } from "../providers/azure/client.js";
import { parseRouteTableId } from "../providers/azure/resource-id.js";
import type { FakeAzure } from "../test/fakes/azure/fake-azure.js";
import { fakeCredential } from "../test/fakes/azure/sdk-client.js";
import type { KubeObjects } from "../test/harness/kube-objects.js";
import type { CallCounts } from "./bench-controller.js";
import type { BenchNode } from "./environment.js";
import type { MoveWorld } from "./move-bench.js";

const subscription = "c0ffee00-1111-4111-8111-111111111111";
const rg = (name: string) => `/subscriptions/${subscription}/resourceGroups/${name}/providers`;
const nodeIp = (i: number) => `10.0.0.${10 + i}`;

/** LRO polling interval of both the controller's provider and the floor (as the scenario tests). */
export const azurePollIntervalMs = 10;

/** Seeds three VMs with forwarding NICs; returns them as the cluster's Nodes. */
export function seedAzureNodes(fake: FakeAzure): BenchNode[] {
  return [0, 1, 2].map((i) => {
    const vmId = `${rg("mc-bench")}/Microsoft.Compute/virtualMachines/bench-node-${i}`;
    const nicId = `${rg("mc-bench")}/Microsoft.Network/networkInterfaces/bench-node-${i}-nic`;
    fake.seedVirtualMachine({ id: vmId, networkInterfaceIds: [nicId] });
    fake.seedNetworkInterface({
      id: nicId,
      enableIPForwarding: true,
      virtualMachineId: vmId,
      ipConfigurations: [{ privateIPAddress: nodeIp(i) }],
    });
    return { name: `bench-node-${i}`, providerId: `azure://${vmId}`, internalIp: nodeIp(i) };
  });
}

/** A shape's route tables: the controller's (each behind a subnet of one VNet) and the floor's. */
export interface AzureTables {
  readonly tableIds: readonly string[];
  readonly floorTableIds: readonly string[];
}

/** Seeds `count` empty managed tables and `count` floor tables whose routes point at node 0. */
export function seedAzureTables(
  fake: FakeAzure,
  shape: string,
  count: number,
  cidrs: readonly string[],
): AzureTables {
  const table = (kind: string, i: number) =>
    `${rg("bench-rg")}/Microsoft.Network/routeTables/${kind}-${shape}-${i}`;
  const tableIds = Array.from({ length: count }, (_, i) => table("vpn", i));
  const floorTableIds = Array.from({ length: count }, (_, i) => table("floor", i));
  for (const id of tableIds) fake.seedRouteTable({ id });
  fake.seedVirtualNetwork({
    id: `${rg("bench-rg")}/Microsoft.Network/virtualNetworks/vnet-${shape}`,
    addressPrefixes: ["10.0.0.0/16"],
    subnets: tableIds.map((routeTableId, i) => ({
      name: `s${i}`,
      addressPrefix: `10.0.${16 + i}.0/24`,
      routeTableId,
    })),
  });
  for (const id of floorTableIds) {
    fake.seedRouteTable({
      id,
      routes: cidrs.map((addressPrefix, i) => ({
        name: `floor-${i}`,
        addressPrefix,
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: nodeIp(0),
      })),
    });
  }
  return { tableIds, floorTableIds };
}

const allRouteTo = (
  fake: FakeAzure,
  ids: readonly string[],
  cidrs: readonly string[],
  ip: string,
) =>
  ids.every((id) => {
    const routes = fake.routeTable(id)?.routes ?? [];
    return cidrs.every((c) => {
      const mine = routes.filter((r) => r.addressPrefix === c);
      // A route is in place once its operation has succeeded, not when the PUT was accepted.
      return (
        mine.length === 1 &&
        mine[0]?.nextHopIpAddress === ip &&
        mine[0].provisioningState === "Succeeded"
      );
    });
  });

const tableRef = (id: string) => {
  const ref = parseRouteTableId(id);
  if (ref === undefined) throw new Error(`${id} is not a route table id`);
  return ref;
};

/**
 * The move benchmark's Azure side. The floor PUTs each route of its own tables (and waits for
 * the long-running operation, as every ARM route write needs) through createAzureSdkPort, the
 * provider's own SDK client: tables in parallel, routes serial within a table, since ARM
 * refuses a second write to a table while one is in progress.
 */
export function azureMoveWorld(args: {
  readonly fake: FakeAzure;
  readonly tables: AzureTables;
  readonly objects: KubeObjects;
  readonly namespace: string;
  readonly nodes: readonly BenchNode[];
  readonly cidrs: readonly string[];
  readonly calls: () => Promise<CallCounts>;
}): MoveWorld {
  const { fake, tables, cidrs } = args;
  const port = createAzureSdkPort({
    endpoint: fake.endpoint,
    credential: fakeCredential,
    caCertificate: fake.caCertificate,
    pollIntervalMs: azurePollIntervalMs,
  });
  return {
    moveEndpoint: (to, move) =>
      args.objects.setEndpoints(args.namespace, "vpn", [
        { nodeName: args.nodes[to]?.name ?? "", address: `10.244.${to}.${10 + (move % 200)}` },
      ]),
    isConverged: async (to) => allRouteTo(fake, tables.tableIds, cidrs, nodeIp(to)),
    // routeTables.get per floor table (its routes and ownership tags), all at once: the read the
    // controller's pass makes.
    floorRead: async () => {
      await Promise.all(tables.floorTableIds.map((id) => port.getRouteTable(tableRef(id))));
    },
    floorMove: async (_from, to) => {
      await Promise.all(
        tables.floorTableIds.map(async (id) => {
          const ref = tableRef(id);
          for (const [i, addressPrefix] of cidrs.entries())
            await port.putRoute(ref, `floor-${i}`, { addressPrefix, nextHopIpAddress: nodeIp(to) });
        }),
      );
    },
    isFloorConverged: async (to) => allRouteTo(fake, tables.floorTableIds, cidrs, nodeIp(to)),
    calls: args.calls,
  };
}
