/**
 * The narrow port between the GCP provider and Compute Engine: exactly the REST methods the
 * provider calls, as plain values. client.ts implements it with @google-cloud/compute (the only
 * file importing the SDK); unit tests hand-write one. Every method throws GcpApiError (or a
 * network error) and never retries by itself: retry policy belongs to the applier.
 */

/** A static route as listed (references are full URLs, as the API returns them). */
export interface GcpRoute {
  readonly name: string;
  /** uint64 as a decimal string; changes when a route of the same name is recreated. */
  readonly id: string;
  readonly network: string;
  /** Canonical (`canonicalRange`), whatever spelling the API displayed. */
  readonly destRange: string;
  readonly priority: number;
  readonly nextHopInstance: string | undefined;
  readonly nextHopIp: string | undefined;
  /** Any other next hop (`nextHopGateway: .../default-internet-gateway`), for messages. */
  readonly otherNextHop: string | undefined;
  readonly description: string;
  readonly tags: readonly string[];
  /** Compute's `warnings[]` on the route (NEXT_HOP_NOT_RUNNING...): the route drops traffic. */
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
}

/** What routes.insert needs. */
export interface NewRoute {
  readonly name: string;
  readonly network: string;
  readonly destRange: string;
  readonly priority: number;
  readonly nextHopInstance: string;
  readonly description: string;
}

/** A global operation, reduced to what waiting and error reporting need. */
export interface GcpOperation {
  readonly name: string;
  readonly status: "PENDING" | "RUNNING" | "DONE";
  readonly operationType: string;
  readonly targetLink: string;
  /** `error.errors[]` of a DONE operation that failed. */
  readonly errors: readonly { readonly code: string; readonly message: string }[];
  readonly httpErrorStatusCode: number | undefined;
}

/** One network interface of an instance. */
export interface GcpNetworkInterface {
  readonly network: string;
  readonly networkIP: string;
  /** Internal IPv6 address, or an external one from `ipv6AccessConfigs`. */
  readonly ipv6Address: string | undefined;
}

/** An instance, reduced to what a next hop needs. */
export interface GcpInstance {
  readonly name: string;
  readonly selfLink: string;
  readonly canIpForward: boolean;
  readonly networkInterfaces: readonly GcpNetworkInterface[];
}

/** A VPC network's own ranges outside subnetworks. */
export interface GcpNetwork {
  readonly selfLink: string;
  /** Legacy (subnet-less) networks only. */
  readonly ipv4Range: string | undefined;
  /** The ULA /48 of a network with internal IPv6 enabled. */
  readonly internalIpv6Range: string | undefined;
}

/** A subnetwork's ranges: primary, secondary (alias IP: pods, services) and IPv6. */
export interface GcpSubnetwork {
  readonly name: string;
  readonly ranges: readonly string[];
}

/** One page of routes.list. */
export interface RoutePage {
  readonly routes: readonly GcpRoute[];
  readonly nextPageToken: string | undefined;
}

/** The Compute Engine calls of the GCP provider. */
export interface GcpPort {
  listRoutes(project: string, filter: string, pageToken: string | undefined): Promise<RoutePage>;
  insertRoute(project: string, route: NewRoute, requestId: string): Promise<GcpOperation>;
  deleteRoute(project: string, name: string, requestId: string): Promise<GcpOperation>;
  getRoute(project: string, name: string): Promise<GcpRoute>;
  getOperation(project: string, name: string): Promise<GcpOperation>;
  /** globalOperations.wait: may answer before DONE; `timeoutMs` bounds the HTTP call. */
  waitOperation(project: string, name: string, timeoutMs: number): Promise<GcpOperation>;
  getInstance(project: string, zone: string, name: string): Promise<GcpInstance>;
  getNetwork(project: string, name: string): Promise<GcpNetwork>;
  /** subnetworks.aggregatedList with `filter`, every page. */
  listSubnetworks(project: string, filter: string): Promise<readonly GcpSubnetwork[]>;
}
