import {
  defaultLocation,
  type NetworkInterfaceSeed,
  type RouteState,
  type RouteTableState,
  type VirtualMachineSeed,
  type VirtualNetworkSeed,
} from "./model.js";
import { parseResourceId } from "./resource-id.js";

/** ARM JSON of one route (Routes - Get, 2026-01-01 shape: fields under `properties`). */
export function renderRoute(table: RouteTableState, route: RouteState): Record<string, unknown> {
  return {
    name: route.name,
    id: `${table.id}/routes/${route.name}`,
    etag: route.etag,
    type: "Microsoft.Network/routeTables/routes",
    properties: {
      provisioningState: route.provisioningState,
      addressPrefix: route.addressPrefix,
      nextHopType: route.nextHopType,
      ...(route.nextHopIpAddress === undefined ? {} : { nextHopIpAddress: route.nextHopIpAddress }),
      hasBgpOverride: false,
    },
  };
}

/** ARM JSON of a route table with its routes, tags and associated subnets (Route Tables - Get). */
export function renderRouteTable(
  table: RouteTableState,
  subnetIds: readonly string[],
): Record<string, unknown> {
  return {
    name: table.name,
    id: table.id,
    etag: table.etag,
    type: "Microsoft.Network/routeTables",
    location: table.location,
    ...(Object.keys(table.tags).length > 0 ? { tags: { ...table.tags } } : {}),
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: table.resourceGuid,
      disableBgpRoutePropagation: false,
      routes: [...table.routes.values()].map((route) => renderRoute(table, route)),
      ...(subnetIds.length > 0 ? { subnets: subnetIds.map((id) => ({ id })) } : {}),
    },
  };
}

/** ARM JSON of a NIC (Network Interfaces - Get): forwarding flag, IP configurations, VM link. */
export function renderNetworkInterface(
  nic: NetworkInterfaceSeed & { etag: string },
): Record<string, unknown> {
  const { name } = parseResourceId(nic.id);
  return {
    name,
    id: nic.id,
    etag: nic.etag,
    type: "Microsoft.Network/networkInterfaces",
    location: nic.location ?? defaultLocation,
    properties: {
      provisioningState: "Succeeded",
      ipConfigurations: nic.ipConfigurations.map((config, index) => {
        const configName = config.name ?? `ipconfig${index + 1}`;
        return {
          name: configName,
          id: `${nic.id}/ipConfigurations/${configName}`,
          etag: nic.etag,
          type: "Microsoft.Network/networkInterfaces/ipConfigurations",
          properties: {
            provisioningState: "Succeeded",
            privateIPAddress: config.privateIPAddress,
            privateIPAllocationMethod: "Dynamic",
            privateIPAddressVersion: config.privateIPAddress.includes(":") ? "IPv6" : "IPv4",
            primary: config.primary ?? index === 0,
          },
        };
      }),
      enableAcceleratedNetworking: false,
      enableIPForwarding: nic.enableIPForwarding,
      ...(nic.virtualMachineId ? { virtualMachine: { id: nic.virtualMachineId } } : {}),
      primary: true,
      nicType: "Standard",
    },
  };
}

/** ARM JSON of a VM (Virtual Machines - Get), reduced to its network profile. */
export function renderVirtualMachine(vm: VirtualMachineSeed): Record<string, unknown> {
  const { name } = parseResourceId(vm.id);
  return {
    name,
    id: vm.id,
    type: "Microsoft.Compute/virtualMachines",
    location: vm.location ?? defaultLocation,
    properties: {
      provisioningState: "Succeeded",
      networkProfile: {
        networkInterfaces: vm.networkInterfaceIds.map((id, index) => ({
          id,
          properties: { primary: index === 0 },
        })),
      },
    },
  };
}

/** ARM JSON of a VNet (Virtual Networks - Get): address space and subnets. */
export function renderVirtualNetwork(vnet: VirtualNetworkSeed): Record<string, unknown> {
  const { name } = parseResourceId(vnet.id);
  return {
    name,
    id: vnet.id,
    type: "Microsoft.Network/virtualNetworks",
    location: vnet.location ?? defaultLocation,
    properties: {
      provisioningState: "Succeeded",
      addressSpace: { addressPrefixes: [...vnet.addressPrefixes] },
      subnets: (vnet.subnets ?? []).map((subnet) => ({
        name: subnet.name,
        id: `${vnet.id}/subnets/${subnet.name}`,
        type: "Microsoft.Network/virtualNetworks/subnets",
        properties: {
          provisioningState: "Succeeded",
          addressPrefix: subnet.addressPrefix,
          ...(subnet.routeTableId ? { routeTable: { id: subnet.routeTableId } } : {}),
        },
      })),
    },
  };
}
