/**
 * The contract world of the Azure provider: the real @azure/arm-network SDK against the ARM fake
 * over HTTPS (test CA), two route tables in two subscriptions, three VMs whose NICs forward.
 * Foreign routes are PUT through the SDK, as another tool would. ARM offers no state log, so a
 * gapless move is checked on calls: a move is a PUT of the same route, never a delete.
 */
import { parseRouteTableId } from "../../providers/azure/resource-id.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { FakeAzure } from "../fakes/azure/fake-azure.js";
import type { NetworkInterfaceSeed } from "../fakes/azure/model.js";
import { providerFor } from "../fakes/azure/provider-harness.js";
import { fakeNetworkClient } from "../fakes/azure/sdk-client.js";
import type { ContractWorld } from "./world.js";
import { routeWrite } from "./writes.js";

const subs = ["aaaaaaaa-1111-4111-8111-111111111111", "bbbbbbbb-2222-4222-8222-222222222222"];
const table = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/routeTables/${name}`;
const tables = [
  table(subs[0] ?? "", "hub-rg", "vpn-rt-hub"),
  table(subs[1] ?? "", "spoke-rg", "vpn-rt-spoke"),
];
const compute = `/subscriptions/${subs[0]}/resourceGroups/mc-rg/providers`;
const vmId = (name: string) => `${compute}/Microsoft.Compute/virtualMachines/${name}`;
const nicId = (name: string) => `${compute}/Microsoft.Network/networkInterfaces/${name}-nic`;
const vms = [
  ["az-node-a", "10.0.0.4"],
  ["az-node-b", "10.0.0.5"],
  ["az-node-c", "10.0.0.6"],
] as const;

const nicSeed = (name: string, ip: string, on: boolean): NetworkInterfaceSeed => ({
  id: nicId(name),
  enableIPForwarding: on,
  virtualMachineId: vmId(name),
  ipConfigurations: [{ privateIPAddress: ip }],
});

/** Starts an Azure world: hub and spoke VNets, a route table associated with each, three VMs. */
export async function startAzureWorld(): Promise<ContractWorld> {
  const fake = await FakeAzure.start({ operationDurationMs: 10 });
  const [hubTable, spokeTable] = tables;
  fake.seedRouteTable({ id: hubTable ?? "", tags: { team: "netops" } });
  fake.seedRouteTable({ id: spokeTable ?? "" });
  fake.seedVirtualNetwork({
    id: `/subscriptions/${subs[0]}/resourceGroups/hub-rg/providers/Microsoft.Network/virtualNetworks/hub`,
    addressPrefixes: ["10.0.0.0/16"],
    subnets: [{ name: "nodes", addressPrefix: "10.0.0.0/20", routeTableId: hubTable }],
  });
  fake.seedVirtualNetwork({
    id: `/subscriptions/${subs[1]}/resourceGroups/spoke-rg/providers/Microsoft.Network/virtualNetworks/spoke`,
    addressPrefixes: ["10.1.0.0/16", "fd00:20::/56"],
    subnets: [{ name: "apps", addressPrefix: "10.1.0.0/24", routeTableId: spokeTable }],
  });
  for (const [name, ip] of vms) {
    fake.seedVirtualMachine({ id: vmId(name), networkInterfaceIds: [nicId(name)] });
    fake.seedNetworkInterface(nicSeed(name, ip, true));
  }
  const instance = (clusterId: string) =>
    providerFor(fake, { clusterId, routeTableIds: tables, pollIntervalMs: 5 }).provider;
  const [a, b, c] = vms.map(
    ([name, ip]): NodeInfo => ({ name, providerId: `azure://${vmId(name)}`, internalIps: [ip] }),
  );
  if (a === undefined || b === undefined || c === undefined) throw new Error("three nodes");
  const ipOf = (node: NodeInfo) => node.internalIps[0] ?? "";

  return {
    clusterId: "contract",
    provider: instance("contract"),
    nodes: [a, b, c],
    tables,
    networkCidrs: ["10.0.0.0/16", "10.1.0.0/16", "fd00:20::/56"],
    restart: () => instance("contract"),
    async putForeignRoute(id, cidr, node) {
      const ref = parseRouteTableId(id);
      if (ref === undefined) throw new Error(`${id} is not a route table id`);
      await fakeNetworkClient(fake, ref.subscriptionId).routes.createOrUpdate(
        ref.resourceGroup,
        ref.name,
        "to-appliance",
        { addressPrefix: cidr, nextHopType: "VirtualAppliance", nextHopIpAddress: ipOf(node) },
        { updateIntervalInMs: 5 },
      );
    },
    async putOtherClusterRoute(id, cidr, node, owner) {
      const theirs = instance(owner.clusterId);
      await theirs.applyWrite(
        routeWrite("create", id, cidr, owner, await theirs.resolveTarget(node, 4)),
      );
    },
    injectThrottle() {
      fake.injectFault({
        operation: "routes.createOrUpdate",
        effect: { status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 1 },
      });
    },
    throttledAnswers: () => fake.callLog().filter((call) => call.status === 429).length,
    async setForwarding(node, on) {
      fake.seedNetworkInterface(nicSeed(node.name, ipOf(node), on));
    },
    interfaceName: (node) => `${node.name}-nic`,
    watchRoutes(cidr) {
      const from = fake.callLog().length;
      return {
        stop() {
          const calls = fake.callLog().slice(from);
          const deletes = calls.filter((call) => call.operation === "routes.delete").length;
          const puts = calls.filter((call) => call.operation === "routes.createOrUpdate").length;
          return {
            evidence: "call log",
            gapless: deletes === 0 && puts > 0,
            detail: `while moving ${cidr}: ${puts} route PUTs, ${deletes} route DELETEs`,
          };
        },
      };
    },
    close: () => fake.close(),
  };
}
