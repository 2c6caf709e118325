/**
 * The fake's in-memory world: networks, subnetworks, instances, routes and operations, keyed by
 * canonical `projects/...` paths so several projects (Shared VPC host and service) coexist.
 */

/** A static route as stored; serialised by routes.ts. */
export interface RouteRecord {
  readonly path: string;
  readonly id: string;
  readonly name: string;
  readonly network: string;
  readonly destRange: string;
  readonly priority: number;
  readonly nextHopInstance: string | undefined;
  readonly nextHopIp: string | undefined;
  readonly nextHopGateway: string | undefined;
  /** Subnet (system) routes only: the network itself. */
  readonly nextHopNetwork?: string;
  /** `STATIC` unless a system route says `SUBNET`. */
  readonly routeType?: "STATIC" | "SUBNET";
  readonly description: string;
  readonly tags: readonly string[];
  readonly createdAt: Date;
}

/** A VPC network; `legacyIpv4Range` only for legacy (subnet-less) networks. */
export interface NetworkRecord {
  readonly path: string;
  readonly id: string;
  readonly name: string;
  readonly autoCreateSubnetworks: boolean;
  readonly legacyIpv4Range: string | undefined;
  readonly internalIpv6Range: string | undefined;
  readonly createdAt: Date;
}

/** A regional subnetwork with its secondary (alias IP) ranges. */
export interface SubnetworkRecord {
  readonly path: string;
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly network: string;
  readonly ipCidrRange: string;
  readonly secondaryIpRanges: readonly { rangeName: string; ipCidrRange: string }[];
  readonly ipv6CidrRange: string | undefined;
  readonly createdAt: Date;
}

/** One network interface of an instance. */
export interface NicRecord {
  readonly name: string;
  readonly network: string;
  readonly subnetwork: string | undefined;
  readonly networkIP: string;
  readonly ipv6Address: string | undefined;
}

/** A VM instance, reduced to what routing cares about. */
export interface InstanceRecord {
  readonly path: string;
  readonly id: string;
  readonly name: string;
  readonly zone: string;
  readonly canIpForward: boolean;
  readonly status: string;
  readonly networkInterfaces: readonly NicRecord[];
  readonly createdAt: Date;
}

/** One entry of an operation's `error.errors[]`. */
export interface OperationErrorEntry {
  readonly code: string;
  readonly message: string;
}

/** The failure an operation ends with, set when it reaches DONE. */
export interface OperationFailure {
  readonly errors: readonly OperationErrorEntry[];
  readonly httpErrorStatusCode: number;
  readonly httpErrorMessage: string;
}

/** A global operation and the effect it applies when it reaches DONE. */
export interface OperationRecord {
  readonly path: string;
  readonly id: string;
  readonly name: string;
  readonly operationType: "insert" | "delete";
  readonly targetPath: string;
  readonly targetId: string;
  readonly requestId: string | undefined;
  readonly createdAtMs: number;
  /** Elapsed ms (fixed at creation) after which the operation is RUNNING, then DONE. */
  readonly runningAfterMs: number;
  readonly doneAfterMs: number;
  readonly insertTime: Date;
  status: "PENDING" | "RUNNING" | "DONE";
  startTime: Date | undefined;
  endTime: Date | undefined;
  failure: OperationFailure | undefined;
  /** Applied exactly once, at DONE; returns the failure, if any. */
  readonly effect: () => OperationFailure | undefined;
}

/** Everything the fake holds, plus id generation and mutation listeners. */
export class FakeComputeState {
  readonly routes = new Map<string, RouteRecord>();
  readonly networks = new Map<string, NetworkRecord>();
  readonly subnetworks = new Map<string, SubnetworkRecord>();
  readonly instances = new Map<string, InstanceRecord>();
  readonly operations = new Map<string, OperationRecord>();
  /** requestId -> operation path, so a retried write returns the same operation. */
  readonly requestIds = new Map<string, string>();
  private nextId = 1_000_000_000_000n;
  private readonly listeners = new Set<(routes: readonly RouteRecord[]) => void>();

  /** A fresh numeric resource id (uint64, serialised as a decimal string). */
  newId(): string {
    this.nextId += 7919n;
    return String(this.nextId);
  }

  /** The operation still running against `targetPath`, if any. */
  pendingOperationOn(targetPath: string): OperationRecord | undefined {
    for (const operation of this.operations.values()) {
      if (operation.targetPath === targetPath && operation.status !== "DONE") return operation;
    }
    return undefined;
  }

  /** Adds or removes a route and tells listeners, so tests can record every intermediate state. */
  putRoute(route: RouteRecord): void {
    this.routes.set(route.path, route);
    this.emit();
  }

  /** Removes a route; true when it existed. */
  dropRoute(path: string): boolean {
    const existed = this.routes.delete(path);
    if (existed) this.emit();
    return existed;
  }

  /** Subscribes to route mutations; returns the unsubscribe function. */
  onRoutesChanged(listener: (routes: readonly RouteRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const snapshot = [...this.routes.values()];
    for (const listener of this.listeners) listener(snapshot);
  }
}
