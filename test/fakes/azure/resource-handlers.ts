import { ArmError, resourceNotFound } from "./arm-error.js";
import { type Handler, lroRetryAfter } from "./handler.js";
import { operationStatusBody } from "./operations.js";
import { renderNetworkInterface, renderVirtualMachine, renderVirtualNetwork } from "./render.js";
import { idKey, parseResourceId } from "./resource-id.js";

// Read-only handlers, each following its REST reference:
// - Network Interfaces - Get, 2026-01-01 (https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get)
// - Network Interfaces - List Virtual Machine Scale Set VM Network Interfaces, 2018-10-01
//   (https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/list-virtual-machine-scale-set-vm-network-interfaces)
// - Virtual Machines - Get, Microsoft.Compute (https://learn.microsoft.com/rest/api/compute/virtual-machines/get)
// - Virtual Networks - Get, 2026-01-01 (https://learn.microsoft.com/rest/api/virtualnetwork/virtual-networks/get)
// - Azure-AsyncOperation status and Location results, "Track asynchronous Azure operations"
//   (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations)

function notFound(id: string): ArmError {
  const parsed = parseResourceId(id);
  return resourceNotFound(parsed.type, parsed.name, parsed.resourceGroup);
}

/** GET .../networkInterfaces/{nic}. */
export const getNetworkInterface: Handler = (context) => {
  const nic = context.store.networkInterfaces.get(idKey(context.match.resourceId));
  if (!nic) throw notFound(context.match.resourceId);
  return { status: 200, body: renderNetworkInterface(nic) };
};

/** GET .../virtualMachineScaleSets/{ss}/virtualMachines/{i}/networkInterfaces: NICs of one instance. */
export const listScaleSetVmNetworkInterfaces: Handler = (context) => {
  const vmId = context.match.resourceId.replace(/\/networkInterfaces$/i, "");
  const nics = [...context.store.networkInterfaces.values()].filter(
    (nic) => nic.virtualMachineId !== undefined && idKey(nic.virtualMachineId) === idKey(vmId),
  );
  if (nics.length === 0) {
    const [, resourceGroup, scaleSet, instance] = context.match.params;
    throw resourceNotFound(
      "Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
      `${scaleSet}/${instance}`,
      resourceGroup ?? "",
    );
  }
  return { status: 200, body: { value: nics.map(renderNetworkInterface) } };
};

/** GET .../Microsoft.Compute/virtualMachines/{vm}. */
export const getVirtualMachine: Handler = (context) => {
  const vm = context.store.virtualMachines.get(idKey(context.match.resourceId));
  if (!vm) throw notFound(context.match.resourceId);
  return { status: 200, body: renderVirtualMachine(vm) };
};

/** GET .../virtualNetworks/{vnet}. */
export const getVirtualNetwork: Handler = (context) => {
  const vnet = context.store.virtualNetworks.get(idKey(context.match.resourceId));
  if (!vnet) throw notFound(context.match.resourceId);
  return { status: 200, body: renderVirtualNetwork(vnet) };
};

/** GET .../locations/{l}/operations/{id}: `{ status: InProgress | Succeeded | Failed | Canceled }`. */
export const getOperationStatus: Handler = (context) => {
  const operation = context.store.operations.get(context.match.params[2] ?? "");
  if (!operation)
    throw new ArmError(404, "NotFound", `Operation ${context.match.resourceId} not found.`);
  const running = operation.status === "InProgress";
  return {
    status: 200,
    ...(running ? { headers: lroRetryAfter(context) } : {}),
    body: operationStatusBody(operation),
  };
};

/** GET .../locations/{l}/operationResults/{id}: 202 while running, then 204 (or the failure). */
export const getOperationResult: Handler = (context) => {
  const operation = context.store.operations.get(context.match.params[2] ?? "");
  if (!operation)
    throw new ArmError(404, "NotFound", `Operation ${context.match.resourceId} not found.`);
  if (operation.status === "InProgress") {
    return {
      status: 202,
      headers: {
        location: `${context.endpoint}${context.match.resourceId}?api-version=${context.apiVersion}`,
        ...lroRetryAfter(context),
      },
    };
  }
  if (operation.status !== "Succeeded" && operation.failure) {
    throw new ArmError(500, operation.failure.code, operation.failure.message);
  }
  return { status: 204 };
};
