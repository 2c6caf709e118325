/** A resource addressed the way the SDK's operation groups take it. */
export interface ResourceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** A VM scale set instance, as in `.../virtualMachineScaleSets/<ss>/virtualMachines/<id>`. */
export interface ScaleSetInstanceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly scaleSet: string;
  readonly instanceId: string;
}

/** Where a node's NICs are found: a standalone VM or a scale set instance. */
export type MachineRef =
  | ({ readonly kind: "vm" } & ResourceRef)
  | ({ readonly kind: "vmss" } & ScaleSetInstanceRef);

const prefix = "^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/";

function refOf(pattern: RegExp, id: string): ResourceRef | undefined {
  const [, subscriptionId, resourceGroup, name] = pattern.exec(id.trim()) ?? [];
  if (!subscriptionId || !resourceGroup || !name) return undefined;
  return { subscriptionId, resourceGroup, name };
}

const routeTablePattern = new RegExp(`${prefix}Microsoft\\.Network/routeTables/([^/]+)/?$`, "i");
const nicPattern = new RegExp(`${prefix}Microsoft\\.Network/networkInterfaces/([^/]+)/?$`, "i");
const vnetPattern = new RegExp(`${prefix}Microsoft\\.Network/virtualNetworks/([^/]+)(/.*)?$`, "i");
const vmPattern = new RegExp(`${prefix}Microsoft\\.Compute/virtualMachines/([^/]+)/?$`, "i");
const vmssPattern = new RegExp(
  `${prefix}Microsoft\\.Compute/virtualMachineScaleSets/([^/]+)/virtualMachines/([^/]+)/?$`,
  "i",
);

/** Parses a route table id (`/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/routeTables/<rt>`). */
export function parseRouteTableId(id: string): ResourceRef | undefined {
  return refOf(routeTablePattern, id);
}

/** Parses a NIC id. */
export function parseNetworkInterfaceId(id: string): ResourceRef | undefined {
  return refOf(nicPattern, id);
}

/** The VNet a subnet id (or VNet id) belongs to, so a route table's subnets lead to address spaces. */
export function parseVirtualNetworkId(id: string): ResourceRef | undefined {
  return refOf(vnetPattern, id);
}

/** Case-insensitive key of an ARM id, as ARM compares them. */
export function idKey(id: string): string {
  return id.trim().replace(/\/$/, "").toLowerCase();
}

/** The canonical id of a VNet reference. */
export function virtualNetworkId(ref: ResourceRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${ref.name}`;
}

/**
 * Parses a node's `spec.providerID` as cloud-provider-azure writes it:
 * `azure:///subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<vm>`
 * or, for uniform scale sets, `.../virtualMachineScaleSets/<ss>/virtualMachines/<instance>`.
 */
export function parseProviderId(providerId: string | undefined): MachineRef | undefined {
  const match = /^azure:\/\/(\/.*)$/i.exec(providerId?.trim() ?? "");
  const path = match?.[1];
  if (path === undefined) return undefined;
  const [, subscriptionId, resourceGroup, scaleSet, instanceId] = vmssPattern.exec(path) ?? [];
  if (subscriptionId && resourceGroup && scaleSet && instanceId) {
    return { kind: "vmss", subscriptionId, resourceGroup, scaleSet, instanceId };
  }
  const vm = refOf(vmPattern, path);
  return vm ? { kind: "vm", ...vm } : undefined;
}
