import type { ResourceRef, ScaleSetInstanceRef } from "./resource-id.js";

/** A route as the provider needs it from ARM. */
export interface AzureRoute {
  readonly name: string;
  readonly addressPrefix: string;
  readonly nextHopType: string;
  readonly nextHopIpAddress: string | undefined;
  /**
   * `Succeeded`, or `Updating`/`Deleting` while an operation runs, `Failed`/`Canceled` after one
   * that did not succeed; undefined when ARM sent none. Only `Succeeded` is a route in place.
   */
  readonly provisioningState: string | undefined;
}

/** A route table with what ownership and planning need: routes, tags, etag, subnets. */
export interface AzureRouteTable {
  readonly etag: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly routes: readonly AzureRoute[];
  /** Ids of the subnets associated with the table (they lead to the VNet). */
  readonly subnetIds: readonly string[];
}

/**
 * The Tags API's selective operations: Merge adds or replaces the keys sent, Delete removes
 * them (by name/value pair); the whole-set Replace is never used.
 */
export type TagPatchOperation = "Merge" | "Delete";

/** A NIC reduced to the forwarding check. */
export interface AzureNetworkInterface {
  readonly id: string;
  readonly name: string;
  readonly enableIPForwarding: boolean;
  readonly privateIpAddresses: readonly string[];
}

/**
 * The narrow port to Azure: exactly the ARM calls the provider makes, as plain values. The SDK
 * implementation lives in client.ts (the only file importing the SDK); unit tests hand-write one.
 * Methods throw the SDK's raw errors; the provider classifies them.
 */
export interface AzurePort {
  getRouteTable(table: ResourceRef): Promise<AzureRouteTable>;
  /**
   * Merges (adds or replaces) or deletes the given tags on the table through the Tags API
   * (`Microsoft.Resources/tags/write`); keys not sent are left as they are, so the call needs no
   * etag. A Delete removes a key only where the value sent matches.
   */
  patchRouteTableTags(
    table: ResourceRef,
    operation: TagPatchOperation,
    tags: Readonly<Record<string, string>>,
  ): Promise<void>;
  /**
   * Creates or updates one route to a VirtualAppliance next hop, waits for the LRO and returns
   * the route as ARM reports it afterwards (the caller checks it is in place).
   */
  putRoute(
    table: ResourceRef,
    routeName: string,
    route: { readonly addressPrefix: string; readonly nextHopIpAddress: string },
  ): Promise<AzureRoute>;
  /** Deletes one route and waits for the LRO; an absent route is success (204). */
  deleteRoute(table: ResourceRef, routeName: string): Promise<void>;
  getNetworkInterface(nic: ResourceRef): Promise<AzureNetworkInterface>;
  listScaleSetInstanceNetworkInterfaces(
    instance: ScaleSetInstanceRef,
  ): Promise<readonly AzureNetworkInterface[]>;
  /** Ids of the NICs in a standalone VM's network profile. */
  getVirtualMachineNicIds(vm: ResourceRef): Promise<readonly string[]>;
  /** The VNet's own address space (`addressSpace.addressPrefixes`). */
  getVirtualNetworkPrefixes(vnet: ResourceRef): Promise<readonly string[]>;
}
