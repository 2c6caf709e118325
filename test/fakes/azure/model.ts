import { randomUUID } from "node:crypto";

/** Next-hop types ARM accepts for a route (Routes - Create Or Update, RouteNextHopType). */
export const nextHopTypes = [
  "VirtualNetworkGateway",
  "VnetLocal",
  "Internet",
  "VirtualAppliance",
  "None",
] as const;

/** One of the ARM next-hop types. */
export type NextHopType = (typeof nextHopTypes)[number];

/** Route provisioning states the fake moves through (`Updating`/`Deleting` while an LRO runs). */
export type ProvisioningState = "Succeeded" | "Updating" | "Deleting" | "Failed" | "Canceled";

/** A route as tests seed it. */
export interface RouteSeed {
  readonly name: string;
  readonly addressPrefix: string;
  readonly nextHopType: NextHopType;
  readonly nextHopIpAddress?: string;
}

/** A route table as tests seed it; `id` is the full ARM resource id. */
export interface RouteTableSeed {
  readonly id: string;
  readonly location?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly routes?: readonly RouteSeed[];
}

/** A VNet with its address space; subnets name the route table associated with them. */
export interface VirtualNetworkSeed {
  readonly id: string;
  readonly location?: string;
  readonly addressPrefixes: readonly string[];
  readonly subnets?: readonly {
    readonly name: string;
    readonly addressPrefix: string;
    readonly routeTableId?: string;
  }[];
}

/** A NIC; `virtualMachineId` is the VM (or VMSS instance) it is attached to. */
export interface NetworkInterfaceSeed {
  readonly id: string;
  readonly location?: string;
  readonly enableIPForwarding: boolean;
  readonly virtualMachineId?: string;
  readonly ipConfigurations: readonly {
    readonly name?: string;
    readonly privateIPAddress: string;
    readonly primary?: boolean;
  }[];
}

/** A standalone VM and the NICs in its network profile (first one primary). */
export interface VirtualMachineSeed {
  readonly id: string;
  readonly location?: string;
  readonly networkInterfaceIds: readonly string[];
}

/** A route inside the fake's state. */
export interface RouteState {
  name: string;
  addressPrefix: string;
  nextHopType: NextHopType;
  nextHopIpAddress: string | undefined;
  provisioningState: ProvisioningState;
  /** The route's own etag (a child resource has one of its own, distinct from the table's). */
  etag: string;
}

/** A route table inside the fake's state; routes keyed by lower-case name (ARM is case-insensitive). */
export interface RouteTableState {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly resourceGuid: string;
  tags: Record<string, string>;
  etag: string;
  readonly routes: Map<string, RouteState>;
}

/** A fresh weak etag in the format the network provider uses (`W/"<guid>"`). */
export function newEtag(): string {
  return `W/"${randomUUID()}"`;
}

/** The default region of seeded resources. */
export const defaultLocation = "westeurope";
