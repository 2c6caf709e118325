import { randomUUID } from "node:crypto";
import { resourceNotFound } from "./arm-error.js";
import {
  defaultLocation,
  type NetworkInterfaceSeed,
  newEtag,
  type RouteTableSeed,
  type RouteTableState,
  type VirtualMachineSeed,
  type VirtualNetworkSeed,
} from "./model.js";
import { OperationBook } from "./operations.js";
import { idKey, parseResourceId } from "./resource-id.js";

/** A read-only copy of a route table for assertions (operations settled first). */
export interface RouteTableSnapshot {
  readonly id: string;
  readonly etag: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly routes: readonly {
    readonly name: string;
    readonly addressPrefix: string;
    readonly nextHopType: string;
    readonly nextHopIpAddress: string | undefined;
    readonly provisioningState: string;
  }[];
}

/** Everything the fake knows: resources keyed by lower-case id, plus running operations. */
export class FakeAzureStore {
  readonly routeTables = new Map<string, RouteTableState>();
  readonly virtualNetworks = new Map<string, VirtualNetworkSeed>();
  readonly networkInterfaces = new Map<string, NetworkInterfaceSeed & { etag: string }>();
  readonly virtualMachines = new Map<string, VirtualMachineSeed>();
  readonly operations: OperationBook;

  constructor(now: () => number) {
    this.operations = new OperationBook(now);
  }

  /** Creates or replaces a route table (routes start `Succeeded`, operations on it are dropped). */
  seedRouteTable(seed: RouteTableSeed): void {
    const parsed = parseResourceId(seed.id);
    this.operations.forget(idKey(seed.id));
    const routes = new Map(
      (seed.routes ?? []).map((route) => [
        route.name.toLowerCase(),
        {
          name: route.name,
          addressPrefix: route.addressPrefix,
          nextHopType: route.nextHopType,
          nextHopIpAddress: route.nextHopIpAddress,
          provisioningState: "Succeeded" as const,
          etag: newEtag(),
        },
      ]),
    );
    this.routeTables.set(idKey(seed.id), {
      id: seed.id,
      name: parsed.name,
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
      location: seed.location ?? defaultLocation,
      resourceGuid: randomUUID(),
      tags: { ...seed.tags },
      etag: newEtag(),
      routes,
    });
  }

  /** Creates or replaces a VNet (its subnets' route-table links show up in route table GETs). */
  seedVirtualNetwork(seed: VirtualNetworkSeed): void {
    this.virtualNetworks.set(idKey(seed.id), seed);
  }

  /** Creates or replaces a NIC. */
  seedNetworkInterface(seed: NetworkInterfaceSeed): void {
    this.networkInterfaces.set(idKey(seed.id), { ...seed, etag: newEtag() });
  }

  /** Creates or replaces a standalone VM. */
  seedVirtualMachine(seed: VirtualMachineSeed): void {
    this.virtualMachines.set(idKey(seed.id), seed);
  }

  /** The route table at `id`, or the ARM 404 for it. */
  routeTable(id: string): RouteTableState {
    const table = this.routeTables.get(idKey(id));
    if (table) return table;
    const parsed = parseResourceId(id);
    throw resourceNotFound("Microsoft.Network/routeTables", parsed.name, parsed.resourceGroup);
  }

  /** Ids of subnets whose route table is `tableId` (ARM shows them on the route table). */
  subnetsOf(tableId: string): string[] {
    const ids: string[] = [];
    for (const vnet of this.virtualNetworks.values()) {
      for (const subnet of vnet.subnets ?? []) {
        if (subnet.routeTableId && idKey(subnet.routeTableId) === idKey(tableId)) {
          ids.push(`${vnet.id}/subnets/${subnet.name}`);
        }
      }
    }
    return ids;
  }

  /** A settled copy of a route table, or undefined when it does not exist. */
  snapshot(id: string): RouteTableSnapshot | undefined {
    this.operations.settle();
    const table = this.routeTables.get(idKey(id));
    if (!table) return undefined;
    return {
      id: table.id,
      etag: table.etag,
      tags: { ...table.tags },
      routes: [...table.routes.values()].map((route) => ({ ...route })),
    };
  }
}
