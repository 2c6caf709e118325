/**
 * The GcpPort over @google-cloud/compute, and the only file that imports the SDK. Clients use
 * the REST transport (the SDK's default for Compute); production authenticates with Application
 * Default Credentials (GKE Workload Identity); tests change only `endpoint` (host, `port` and
 * `protocol` are passed separately, since the SDK replaces a `host:port` endpoint's port with
 * 443) and `authClient`. SDK retries are turned off (`retry: null`) so every HTTP call is seen,
 * counted and retried by the applier's policy, and each call gets an explicit timeout.
 */
import {
  GlobalOperationsClient,
  InstancesClient,
  NetworksClient,
  protos,
  RoutesClient,
  SubnetworksClient,
} from "@google-cloud/compute";
import { canonicalRange } from "./dest-range.js";
import type {
  GcpInstance,
  GcpNetwork,
  GcpOperation,
  GcpPort,
  GcpRoute,
  GcpSubnetwork,
} from "./port.js";
import { toApiError } from "./sdk-errors.js";

type ClientOptions = NonNullable<ConstructorParameters<typeof RoutesClient>[0]>;
type Operation = protos.google.cloud.compute.v1.IOperation;

/** The credentials type the SDK accepts (an OAuth2Client with a fixed token, in tests). */
export type GcpAuthClient = NonNullable<ClientOptions["authClient"]>;

/** How to reach the API. */
export interface GcpClientOptions {
  readonly endpoint?: string;
  readonly authClient?: GcpAuthClient;
  readonly requestTimeoutMs?: number;
}

function clientOptions(options: GcpClientOptions): ClientOptions {
  const result: ClientOptions = {};
  if (options.authClient) result.authClient = options.authClient;
  if (options.endpoint) {
    const url = new URL(options.endpoint);
    const protocol = url.protocol.replace(":", "");
    result.apiEndpoint = url.hostname;
    result.port = Number(url.port || (protocol === "http" ? 80 : 443));
    result.protocol = protocol;
  }
  return result;
}

const text = (value: string | null | undefined): string | undefined => (value ? value : undefined);
const lastSegment = (url: string) => url.slice(url.lastIndexOf("/") + 1);

function toRoute(route: protos.google.cloud.compute.v1.IRoute): GcpRoute {
  const other =
    (text(route.nextHopGateway) && `gateway ${lastSegment(route.nextHopGateway ?? "")}`) ||
    (text(route.nextHopIlb) && `internal load balancer ${route.nextHopIlb}`) ||
    (text(route.nextHopVpnTunnel) && `VPN tunnel ${lastSegment(route.nextHopVpnTunnel ?? "")}`) ||
    (text(route.nextHopPeering) && `peering ${route.nextHopPeering}`) ||
    (text(route.nextHopNetwork) && `network ${lastSegment(route.nextHopNetwork ?? "")}`) ||
    (text(route.nextHopInterconnectAttachment) &&
      `interconnect ${lastSegment(route.nextHopInterconnectAttachment ?? "")}`) ||
    (text(route.nextHopHub) && `hub ${route.nextHopHub}`) ||
    undefined;
  return {
    name: route.name ?? "",
    id: String(route.id ?? ""),
    network: route.network ?? "",
    destRange: canonicalRange(route.destRange ?? ""),
    priority: Number(route.priority ?? 1000),
    nextHopInstance: text(route.nextHopInstance),
    nextHopIp: text(route.nextHopIp),
    otherNextHop: other,
    description: route.description ?? "",
    tags: route.tags ?? [],
    warnings: (route.warnings ?? []).map((w) => ({
      code: String(w.code ?? "UNKNOWN"),
      message: w.message ?? "",
    })),
  };
}

function toOperation(operation: Operation): GcpOperation {
  const raw = operation.status;
  const status =
    typeof raw === "number" ? protos.google.cloud.compute.v1.Operation.Status[raw] : raw;
  return {
    name: operation.name ?? "",
    status: status === "DONE" || status === "RUNNING" ? status : "PENDING",
    operationType: operation.operationType ?? "",
    targetLink: operation.targetLink ?? "",
    errors: (operation.error?.errors ?? []).map((e) => ({
      code: e.code ?? "UNKNOWN",
      message: e.message ?? "",
    })),
    httpErrorStatusCode: operation.httpErrorStatusCode ?? undefined,
  };
}

/**
 * insert/delete return the compute Operation as `latestResponse`, typed by the SDK as a
 * google.longrunning Operation; check the shape instead of trusting either type.
 */
function writeOperation([response]: readonly [
  { latestResponse: unknown },
  ...unknown[],
]): GcpOperation {
  const value = response.latestResponse;
  if (
    typeof value !== "object" ||
    value === null ||
    typeof Reflect.get(value, "name") !== "string"
  ) {
    throw new Error("the SDK returned no operation for a route write");
  }
  return toOperation(value);
}

function toInstance(instance: protos.google.cloud.compute.v1.IInstance): GcpInstance {
  return {
    name: instance.name ?? "",
    selfLink: instance.selfLink ?? "",
    canIpForward: instance.canIpForward === true,
    networkInterfaces: (instance.networkInterfaces ?? []).map((nic) => ({
      network: nic.network ?? "",
      networkIP: nic.networkIP ?? "",
      ipv6Address: text(nic.ipv6Address) ?? text(nic.ipv6AccessConfigs?.[0]?.externalIpv6),
    })),
  };
}

function toSubnetwork(subnet: protos.google.cloud.compute.v1.ISubnetwork): GcpSubnetwork {
  const ranges = [
    subnet.ipCidrRange,
    ...(subnet.secondaryIpRanges ?? []).map((r) => r.ipCidrRange),
    subnet.ipv6CidrRange,
    subnet.internalIpv6Prefix,
    subnet.externalIpv6Prefix,
  ];
  return { name: subnet.name ?? "", ranges: ranges.flatMap((r) => (r ? [r] : [])) };
}

/** Creates the SDK-backed port; each client is built on first use (constructing one is slow). */
export function createGcpSdkPort(options: GcpClientOptions): GcpPort {
  const base = clientOptions(options);
  const call = { timeout: options.requestTimeoutMs ?? 30_000, retry: null };
  const lazy = <T>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => {
      made ??= make();
      return made;
    };
  };
  const routes = lazy(() => new RoutesClient({ ...base }));
  const operations = lazy(() => new GlobalOperationsClient({ ...base }));
  const instances = lazy(() => new InstancesClient({ ...base }));
  const networks = lazy(() => new NetworksClient({ ...base }));
  const subnetworks = lazy(() => new SubnetworksClient({ ...base }));
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toApiError(error);
    }
  };
  return {
    listRoutes: (project, filter, pageToken) =>
      guard(async () => {
        const [items, , raw] = await routes().list(
          { project, filter, ...(pageToken ? { pageToken } : {}) },
          { ...call, autoPaginate: false },
        );
        return { routes: items.map(toRoute), nextPageToken: text(raw?.nextPageToken) };
      }),
    insertRoute: (project, route, requestId) =>
      guard(async () =>
        writeOperation(await routes().insert({ project, requestId, routeResource: route }, call)),
      ),
    deleteRoute: (project, name, requestId) =>
      guard(async () =>
        writeOperation(await routes().delete({ project, route: name, requestId }, call)),
      ),
    getRoute: (project, name) =>
      guard(async () => toRoute((await routes().get({ project, route: name }, call))[0])),
    getOperation: (project, name) =>
      guard(async () =>
        toOperation((await operations().get({ project, operation: name }, call))[0]),
      ),
    waitOperation: (project, name, timeoutMs) =>
      guard(async () => {
        const options = { ...call, timeout: timeoutMs };
        return toOperation((await operations().wait({ project, operation: name }, options))[0]);
      }),
    getInstance: (project, zone, name) =>
      guard(async () =>
        toInstance((await instances().get({ project, zone, instance: name }, call))[0]),
      ),
    getNetwork: (project, name) =>
      guard(async (): Promise<GcpNetwork> => {
        const [network] = await networks().get({ project, network: name }, call);
        return {
          selfLink: network.selfLink ?? "",
          ipv4Range: text(network.IPv4Range),
          internalIpv6Range: text(network.internalIpv6Range),
        };
      }),
    listSubnetworks: (project, filter) =>
      guard(async () => {
        const subnets: GcpSubnetwork[] = [];
        for await (const [, scoped] of subnetworks().aggregatedListAsync(
          { project, filter },
          { ...call, autoPaginate: false },
        )) {
          subnets.push(...(scoped.subnetworks ?? []).map(toSubnetwork));
        }
        return subnets;
      }),
  };
}
