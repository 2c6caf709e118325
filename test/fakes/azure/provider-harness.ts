import { type AzureProviderOptions, createAzureProvider } from "../../../providers/azure/index.js";
import type { CallObserver, Provider, RouteWrite } from "../../../providers/types.js";
import type { Clock } from "../../../src/clock.js";
import type { Cidr } from "../../../src/domain/cidr.js";
import type { NodeInfo } from "../../../src/domain/service.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { FakeAzure } from "./fake-azure.js";
import { fakeCredential } from "./sdk-client.js";

/** A virtual clock: `sleep` records and advances time instantly, so retries cost no wall time. */
export class ManualClock implements Clock {
  now = 0;
  readonly sleeps: number[] = [];
  monotonicMs(): number {
    return this.now;
  }
  wallNow(): Date {
    return new Date(1_700_000_000_000 + this.now);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.now += ms;
  }
}

/** Records every CallObserver report. */
export class RecordingCalls implements CallObserver {
  readonly calls: { operation: string; outcome: string }[] = [];
  onCall(_provider: string, operation: string, outcome: "ok" | "throttled" | "error"): void {
    this.calls.push({ operation, outcome });
  }
}

const sub1 = "11111111-1111-1111-1111-111111111111";
const sub2 = "22222222-2222-2222-2222-222222222222";
const mc = `/subscriptions/${sub1}/resourceGroups/mc-rg/providers`;

/** Ids of the standard scenario: two route tables in two subscriptions, two VNets, two nodes. */
export const ids = {
  tableA: `/subscriptions/${sub1}/resourceGroups/net-rg/providers/Microsoft.Network/routeTables/vpn-rt-a`,
  tableB: `/subscriptions/${sub2}/resourceGroups/spoke-rg/providers/Microsoft.Network/routeTables/vpn-rt-b`,
  hubVnet: `/subscriptions/${sub1}/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub`,
  spokeVnet: `/subscriptions/${sub2}/resourceGroups/spoke-rg/providers/Microsoft.Network/virtualNetworks/spoke`,
  vm: `${mc}/Microsoft.Compute/virtualMachines/node-0`,
  vmNic: `${mc}/Microsoft.Network/networkInterfaces/node-0-nic`,
  vmssInstance: `${mc}/Microsoft.Compute/virtualMachineScaleSets/pool1/virtualMachines/3`,
} as const;

/** A standalone-VM node (forwarding on) with IPv4 and IPv6 InternalIPs. */
export const vmNode: NodeInfo = {
  name: "node-0",
  providerId: `azure://${ids.vm}`,
  internalIps: ["10.0.0.4", "fd00:10::4"],
};

/** A scale-set node whose NIC has IP forwarding off. */
export const vmssNode: NodeInfo = {
  name: "aks-pool1-vmss000003",
  providerId: `azure://${ids.vmssInstance}`,
  internalIps: ["10.0.1.7"],
};

/** Seeds the standard scenario into `fake` (idempotent: reseeding resets the tables). */
export function seedScenario(fake: FakeAzure): void {
  fake.seedRouteTable({ id: ids.tableA, tags: { team: "netops" } });
  fake.seedRouteTable({ id: ids.tableB });
  fake.seedVirtualNetwork({
    id: ids.hubVnet,
    addressPrefixes: ["10.0.0.0/16", "fd00:10::/56"],
    subnets: [{ name: "nodes", addressPrefix: "10.0.0.0/20", routeTableId: ids.tableA }],
  });
  fake.seedVirtualNetwork({
    id: ids.spokeVnet,
    addressPrefixes: ["10.1.0.0/16"],
    subnets: [{ name: "apps", addressPrefix: "10.1.0.0/24", routeTableId: ids.tableB }],
  });
  fake.seedVirtualMachine({ id: ids.vm, networkInterfaceIds: [ids.vmNic] });
  fake.seedNetworkInterface({
    id: ids.vmNic,
    enableIPForwarding: true,
    virtualMachineId: ids.vm,
    ipConfigurations: [{ privateIPAddress: "10.0.0.4" }, { privateIPAddress: "fd00:10::4" }],
  });
  fake.seedNetworkInterface({
    id: `${ids.vmssInstance}/networkInterfaces/pool1-nic`,
    enableIPForwarding: false,
    virtualMachineId: ids.vmssInstance,
    ipConfigurations: [{ privateIPAddress: "10.0.1.7" }],
  });
}

/** A provider wired to the fake exactly as production is, except endpoint, credential and CA. */
export function providerFor(
  fake: FakeAzure,
  overrides: Partial<AzureProviderOptions> = {},
): { provider: Provider; clock: ManualClock; calls: RecordingCalls } {
  const clock = new ManualClock();
  const calls = new RecordingCalls();
  const provider = createAzureProvider({
    clusterId: "c1",
    routeTableIds: [ids.tableA, ids.tableB],
    endpoint: fake.endpoint,
    credential: fakeCredential,
    caCertificate: fake.caCertificate,
    clock,
    logger: silentLogger(),
    calls,
    pollIntervalMs: 5,
    ...overrides,
  });
  return { provider, clock, calls };
}

/** Starts a fake with the standard scenario seeded. */
export async function startScenario(): Promise<FakeAzure> {
  const fake = await FakeAzure.start();
  seedScenario(fake);
  return fake;
}

/** The owner the scenario's writes record. */
export const owner = { clusterId: "c1", service: "vpn/openvpn" } as const;

/** A write as the applier would send it: create/replace to `ip`, or delete when `ip` is undefined. */
export function routeWrite(
  kind: RouteWrite["kind"],
  cidr: Cidr,
  ip: string | undefined,
  table: string = ids.tableA,
): RouteWrite {
  return {
    kind,
    table,
    cidr,
    target: ip === undefined ? undefined : { id: ip, nodeName: "node-0" },
    owner,
    adopt: false,
    routeExists: kind !== "create",
    ownerChanged: kind !== "delete",
  };
}
