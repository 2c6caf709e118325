/**
 * The in-process control API of the fake (deliberately not HTTP): tests seed networks,
 * subnetworks and instances, create or remove routes behind the controller's back, inspect
 * state exactly as the API would render it, record every route mutation, count calls, inject
 * faults and tune operation timings.
 */
import type { CallLog } from "./calls.js";
import type { FakeBehaviour, FakeEnv, FakeTimings } from "./env.js";
import type { FaultInjector } from "./faults.js";
import { instanceJson } from "./instances.js";
import { operationJson } from "./operations.js";
import { instancePath, networkPath, resolveReference } from "./resource-urls.js";
import { routeWarnings } from "./route-next-hop.js";
import { routeJson } from "./routes.js";

/** A route as the API renders it (`compute#route` JSON). */
export type RouteView = Readonly<Record<string, unknown>> & {
  readonly name: string;
  readonly destRange: string;
  readonly priority: number;
};

/** A VPC network to seed; `project` (in every seed) defaults to the fake's project. */
export interface NetworkSeed {
  name: string;
  project?: string;
  legacyIpv4Range?: string;
  internalIpv6Range?: string;
}
/** A subnetwork to seed, with secondary (pods/services) and IPv6 ranges. */
export interface SubnetworkSeed {
  name: string;
  region: string;
  network: string;
  project?: string;
  ipCidrRange: string;
  secondaryIpRanges?: { rangeName: string; ipCidrRange: string }[];
  ipv6CidrRange?: string;
}
/** An instance to seed; `ipv6Address` makes it dual-stack, `canIpForward` defaults to true. */
export interface InstanceSeed {
  name: string;
  zone: string;
  network: string;
  networkIP: string;
  project?: string;
  canIpForward?: boolean;
  ipv6Address?: string;
}
/** A route created out of band (by hand, another tool or another cluster). */
export interface RouteSeed {
  name: string;
  network: string;
  destRange: string;
  project?: string;
  priority?: number;
  nextHopInstance?: string;
  nextHopIp?: string;
  description?: string;
  tags?: string[];
}

/** Test-side handle on the fake's state. */
export class FakeComputeControl {
  readonly calls: CallLog;
  readonly faults: FaultInjector;
  readonly timings: FakeTimings;
  /** Undocumented behaviours, switchable per test (see env.ts). */
  readonly behaviour: FakeBehaviour;
  readonly project: string;
  private readonly env: FakeEnv;

  constructor(env: FakeEnv, calls: CallLog, faults: FaultInjector, project: string) {
    this.env = env;
    this.calls = calls;
    this.faults = faults;
    this.timings = env.timings;
    this.behaviour = env.behaviour;
    this.project = project;
  }

  private networkRef(network: string, project: string): string {
    const path = resolveReference(
      network.includes("/") ? network : `global/networks/${network}`,
      project,
      networkPath,
    );
    if (!path) throw new Error(`not a network reference: ${network}`);
    return path;
  }

  /** Adds a VPC network; returns its `projects/...` path. */
  seedNetwork(seed: NetworkSeed): string {
    const project = seed.project ?? this.project;
    const path = `projects/${project}/global/networks/${seed.name}`;
    this.env.state.networks.set(path, {
      path,
      id: this.env.state.newId(),
      name: seed.name,
      autoCreateSubnetworks: false,
      legacyIpv4Range: seed.legacyIpv4Range,
      internalIpv6Range: seed.internalIpv6Range,
      createdAt: this.env.clock.wallNow(),
    });
    return path;
  }

  /** Adds a subnetwork of an existing network. */
  seedSubnetwork(seed: SubnetworkSeed): string {
    const project = seed.project ?? this.project;
    const path = `projects/${project}/regions/${seed.region}/subnetworks/${seed.name}`;
    this.env.state.subnetworks.set(path, {
      path,
      id: this.env.state.newId(),
      name: seed.name,
      region: seed.region,
      network: this.networkRef(seed.network, project),
      ipCidrRange: seed.ipCidrRange,
      secondaryIpRanges: seed.secondaryIpRanges ?? [],
      ipv6CidrRange: seed.ipv6CidrRange,
      createdAt: this.env.clock.wallNow(),
    });
    return path;
  }

  /** Adds a running instance with one interface (nic0); returns its `projects/...` path. */
  seedInstance(seed: InstanceSeed): string {
    const project = seed.project ?? this.project;
    const path = `projects/${project}/zones/${seed.zone}/instances/${seed.name}`;
    this.env.state.instances.set(path, {
      path,
      id: this.env.state.newId(),
      name: seed.name,
      zone: seed.zone,
      canIpForward: seed.canIpForward ?? true,
      status: "RUNNING",
      networkInterfaces: [
        {
          name: "nic0",
          network: this.networkRef(seed.network, project),
          subnetwork: undefined,
          networkIP: seed.networkIP,
          ipv6Address: seed.ipv6Address,
        },
      ],
      createdAt: this.env.clock.wallNow(),
    });
    return path;
  }

  /** Changes an instance's status (`TERMINATED`, `STOPPING`...), as a stop or crash would. */
  setInstanceStatus(path: string, status: string): void {
    const instance = this.env.state.instances.get(path);
    if (!instance) throw new Error(`no instance ${path}`);
    this.env.state.instances.set(path, { ...instance, status });
  }

  /** Deletes an instance (routes pointing at it stay, with a warning). */
  removeInstance(path: string): boolean {
    return this.env.state.instances.delete(path);
  }

  /** Creates a route out of band (another tool, another cluster), present immediately. */
  seedRoute(seed: RouteSeed): RouteView {
    const project = seed.project ?? this.project;
    const path = `projects/${project}/global/routes/${seed.name}`;
    const nextHopInstance =
      seed.nextHopInstance === undefined
        ? undefined
        : resolveReference(seed.nextHopInstance, project, instancePath);
    const record = {
      path,
      id: this.env.state.newId(),
      name: seed.name,
      network: this.networkRef(seed.network, project),
      destRange: seed.destRange,
      priority: seed.priority ?? 1000,
      nextHopInstance,
      nextHopIp: seed.nextHopIp,
      nextHopGateway: undefined,
      description: seed.description ?? "",
      tags: seed.tags ?? [],
      createdAt: this.env.clock.wallNow(),
    };
    this.env.state.putRoute(record);
    return routeJson(record) as RouteView;
  }

  /** Deletes a route out of band; true when it existed. */
  removeRoute(name: string, project = this.project): boolean {
    return this.env.state.dropRoute(`projects/${project}/global/routes/${name}`);
  }

  /** Every route, as routes.list would render it, ordered by name. */
  routes(): RouteView[] {
    return [...this.env.state.routes.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => routeJson(r, routeWarnings(this.env, r)) as RouteView);
  }

  /** Every operation, as globalOperations.get would render it, oldest first. */
  operations(): Record<string, unknown>[] {
    return [...this.env.state.operations.values()].map((o) => operationJson(this.env, o));
  }

  /** An instance as instances.get renders it. */
  instance(path: string): Record<string, unknown> | undefined {
    const instance = this.env.state.instances.get(path);
    return instance ? instanceJson(instance) : undefined;
  }

  /** Calls `listener` with all routes after every route insert or delete takes effect. */
  onRoutesChanged(listener: (routes: RouteView[]) => void): () => void {
    return this.env.state.onRoutesChanged((routes) =>
      listener(routes.map((r) => routeJson(r) as RouteView)),
    );
  }
}
