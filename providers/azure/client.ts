import {
  type NetworkInterface,
  NetworkManagementClient,
  type Route,
  type RouteTable,
} from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  RestError,
} from "@azure/core-rest-pipeline";
import { DefaultAzureCredential } from "@azure/identity";
import type {
  AzureNetworkInterface,
  AzurePort,
  AzureRoute,
  AzureRouteTable,
  TagPatchOperation,
} from "./port.js";
import type { ResourceRef } from "./resource-id.js";

export type { TokenCredential } from "@azure/core-auth";

/** How the SDK reaches ARM; tests change only these. */
export interface AzureSdkOptions {
  /** ARM endpoint; defaults to the public cloud. */
  readonly endpoint?: string;
  /** Defaults to DefaultAzureCredential (Azure Workload Identity in the cluster). */
  readonly credential?: TokenCredential;
  /** Extra trusted CA (PEM), for the test fake only: replaces the default trust store. */
  readonly caCertificate?: string;
  /** LRO polling interval when ARM sends no Retry-After. */
  readonly pollIntervalMs?: number;
  /** Deadline of one read (default 30 s), so a hung connection cannot stall a reconcile. */
  readonly requestTimeoutMs?: number;
  /** Deadline of one route write with its LRO polling (default 5 min); the table's queue waits on it. */
  readonly operationTimeoutMs?: number;
}

const defaultEndpoint = "https://management.azure.com";
/** Microsoft.Compute api-version for the VM read (arm-network has no compute operations). */
const computeApiVersion = "2024-07-01";

function toNetworkInterface(nic: NetworkInterface): AzureNetworkInterface {
  return {
    id: nic.id ?? "",
    name: nic.name ?? "",
    enableIPForwarding: nic.enableIPForwarding === true,
    privateIpAddresses: (nic.ipConfigurations ?? []).flatMap((c) =>
      c.privateIPAddress ? [c.privateIPAddress] : [],
    ),
  };
}

function toRoute(route: Route): AzureRoute {
  return {
    name: route.name ?? "",
    addressPrefix: route.addressPrefix ?? "",
    nextHopType: route.nextHopType ?? "",
    nextHopIpAddress: route.nextHopIpAddress,
    provisioningState: route.provisioningState,
  };
}

function toRouteTable(table: RouteTable): AzureRouteTable {
  return {
    etag: table.etag,
    tags: { ...table.tags },
    routes: (table.routes ?? []).map(toRoute),
    subnetIds: (table.subnets ?? []).flatMap((subnet) => (subnet.id ? [subnet.id] : [])),
  };
}

/** Follows `path` through parsed JSON; undefined as soon as a step is not an object. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    current =
      typeof current === "object" && current !== null ? Reflect.get(current, key) : undefined;
  }
  return current;
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function nicIdsOf(vm: unknown): string[] {
  const nics = at(vm, "properties", "networkProfile", "networkInterfaces");
  if (!Array.isArray(nics)) return [];
  return nics.flatMap((nic: unknown) => {
    const id = at(nic, "id");
    return typeof id === "string" ? [id] : [];
  });
}

/** One client per subscription, made on first use. */
function perSubscription<T>(make: (subscriptionId: string) => T): (subscriptionId: string) => T {
  const clients = new Map<string, T>();
  return (subscriptionId) => {
    let found = clients.get(subscriptionId);
    if (!found) {
      found = make(subscriptionId);
      clients.set(subscriptionId, found);
    }
    return found;
  };
}

/**
 * The SDK side of the port: one `NetworkManagementClient` and, for the Tags API, one
 * `ResourceManagementClient` per subscription (route tables may live in several), SDK retries
 * off (the reconciler's applier retries, honouring Retry-After), and a per-request TLS trust
 * override only when a test CA is given.
 */
export function createAzureSdkPort(options: AzureSdkOptions): AzurePort {
  const endpoint = (options.endpoint ?? defaultEndpoint).replace(/\/$/, "");
  const credential = options.credential ?? new DefaultAzureCredential();
  const clientOptions = {
    endpoint,
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: "vpc-route-sync" },
    ...(options.caCertificate ? { tlsOptions: { ca: options.caCertificate } } : {}),
  };
  const client = perSubscription(
    (id) => new NetworkManagementClient(credential, id, clientOptions),
  );
  // The Tags API lives in Microsoft.Resources, a separate SDK client with the same pipeline.
  const tagClient = perSubscription(
    (id) => new ResourceManagementClient(credential, id, clientOptions),
  );
  const read = () => ({ abortSignal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000) });
  const write = () => ({
    abortSignal: AbortSignal.timeout(options.operationTimeoutMs ?? 300_000),
    ...(options.pollIntervalMs === undefined ? {} : { updateIntervalInMs: options.pollIntervalMs }),
  });
  const httpClient = createDefaultHttpClient();

  return {
    async getRouteTable(t) {
      const table = await client(t.subscriptionId).routeTables.get(t.resourceGroup, t.name, read());
      return toRouteTable(table);
    },
    async patchRouteTableTags(t, operation: TagPatchOperation, tags) {
      // Tags - Update At Scope (Microsoft.Resources/tags/write): Merge and Delete touch only the
      // keys sent, so no If-Match is needed and no other writer's key can be dropped. The SDK
      // inserts the scope as is (no encoding, after its own slash), so each segment is encoded
      // here. The write deadline applies: the API may answer 202 and be polled.
      const scope = ["subscriptions", t.subscriptionId, "resourceGroups", t.resourceGroup]
        .concat(["providers", "Microsoft.Network", "routeTables", t.name])
        .map(encodeURIComponent)
        .join("/");
      await tagClient(t.subscriptionId).tagsOperations.beginUpdateAtScopeAndWait(
        scope,
        { operation, properties: { tags: { ...tags } } },
        write(),
      );
    },
    async putRoute(t, routeName, route) {
      const written = await client(t.subscriptionId).routes.createOrUpdate(
        t.resourceGroup,
        t.name,
        routeName,
        { ...route, nextHopType: "VirtualAppliance" },
        write(),
      );
      return toRoute(written);
    },
    async deleteRoute(t, routeName) {
      await client(t.subscriptionId).routes.delete(t.resourceGroup, t.name, routeName, write());
    },
    async getNetworkInterface(nic) {
      const found = await client(nic.subscriptionId).networkInterfaces.get(
        nic.resourceGroup,
        nic.name,
        read(),
      );
      return toNetworkInterface(found);
    },
    async listScaleSetInstanceNetworkInterfaces(vm) {
      const nics: AzureNetworkInterface[] = [];
      const pages = client(
        vm.subscriptionId,
      ).networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces(
        vm.resourceGroup,
        vm.scaleSet,
        vm.instanceId,
        read(),
      );
      for await (const nic of pages) nics.push(toNetworkInterface(nic));
      return nics;
    },
    async getVirtualMachineNicIds(vm: ResourceRef) {
      // Virtual Machines - Get (Microsoft.Compute) through the same authenticated pipeline.
      const path = `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${encodeURIComponent(vm.name)}`;
      const request = createPipelineRequest({
        url: `${endpoint}${path}?api-version=${computeApiVersion}`,
        method: "GET",
        headers: createHttpHeaders({ accept: "application/json" }),
        ...read(),
      });
      const response = await client(vm.subscriptionId).pipeline.sendRequest(httpClient, request);
      const body = parseJson(response.bodyAsText);
      if (response.status !== 200) {
        const code = at(body, "error", "code");
        const message = at(body, "error", "message");
        throw new RestError(typeof message === "string" ? message : `HTTP ${response.status}`, {
          statusCode: response.status,
          ...(typeof code === "string" ? { code } : {}),
          response,
        });
      }
      return nicIdsOf(body);
    },
    async getVirtualNetworkPrefixes(vnet) {
      const found = await client(vnet.subscriptionId).virtualNetworks.get(
        vnet.resourceGroup,
        vnet.name,
        read(),
      );
      return found.addressSpace?.addressPrefixes ?? [];
    },
  };
}
