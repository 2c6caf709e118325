/**
 * The GCP provider over any GcpPort: one "route table" per provider, the VPC network (its id is
 * the network name); routes with `nextHopInstance`; ownership in route names and descriptions;
 * make-before-break moves; canIpForward reported, never changed (it cannot be, after creation).
 */
import type { Clock } from "../../src/clock.js";
import type { Cidr, IpFamily } from "../../src/domain/cidr.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { ConfigError, PermanentError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import type {
  CallObserver,
  Provider,
  ProviderCapabilities,
  ResolvedTarget,
  RouteWrite,
} from "../types.js";
import { meterPort, providerName } from "./metered-port.js";
import { readNetworkCidrs } from "./network-cidrs.js";
import { toObservedTable } from "./observe.js";
import type { GcpPort } from "./port.js";
import { RecentListing } from "./recent-listing.js";
import { parseNetwork } from "./resource-paths.js";
import { listNetworkRoutes } from "./route-listing.js";
import { RouteWarnings } from "./route-warnings.js";
import { TargetResolver } from "./targets.js";
import { RouteWriter } from "./writes.js";

/** Provider settings that do not depend on how the API is reached. */
export interface GcpProviderSettings {
  readonly clusterId: string;
  /** Project of the controller; also the routes' project unless `network` names a host project. */
  readonly project: string;
  /** VPC network name, or `projects/<host>/global/networks/<name>` for a Shared VPC. */
  readonly network: string;
  /** Base priority of our routes (default 1000); moves alternate with `routePriority - 1`. */
  readonly routePriority?: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly calls?: CallObserver;
  /** How long instance lookups and network CIDRs are reused (default 5 minutes). */
  readonly cacheTtlMs?: number;
  /** Budget for one insert/delete operation to reach DONE (default 3 minutes). */
  readonly operationTimeoutMs?: number;
  /** Pause between operation polls after an early answer (default 1 s). */
  readonly pollIntervalMs?: number;
  /**
   * Upper bound of one `globalOperations.wait` call (default 30 s; the server holds up to ~2
   * minutes). The loop goes on after it, so this only bounds how long a lost answer stalls.
   */
  readonly operationWaitCallMs?: number;
}

/**
 * IPv6 static routes accept a next-hop instance (https://cloud.google.com/vpc/docs/static-routes).
 * Routes are independent resources of the network (the Kubernetes route controller inserts GCE
 * routes concurrently too), so the CIDRs of a move are switched at once, not one after another:
 * each switch is two operations that take seconds on GCP.
 */
const capabilities: ProviderCapabilities = {
  gaplessReplace: true,
  forwardingCheck: true,
  manageForwarding: false,
  ipv6: true,
  independentRoutes: true,
};

/** Builds the provider from settings and a raw port (SDK-backed in production, hand-written in tests). */
export function createGcpProviderFromPort(
  settings: GcpProviderSettings,
  rawPort: GcpPort,
): Provider {
  const network = parseNetwork(settings.network, settings.project);
  if (!network) {
    throw new ConfigError(
      `GCP network ${JSON.stringify(settings.network)} is neither a network name nor projects/<project>/global/networks/<name>`,
    );
  }
  if (settings.clusterId.trim() === "")
    throw new ConfigError("clusterId is empty; GCP route ownership needs it");
  const routePriority = settings.routePriority ?? 1000;
  if (!Number.isInteger(routePriority) || routePriority < 1 || routePriority > 65535) {
    throw new ConfigError(
      `GCP route priority ${routePriority} is out of range; use a whole number from 1 to 65535 (routes alternate with priority - 1)`,
    );
  }
  const { clock, logger } = settings;
  const ttlMs = settings.cacheTtlMs ?? 300_000;
  const port = meterPort(rawPort, clock, settings.calls);
  const targets = new TargetResolver(port, network, clock, ttlMs);
  const listed = new RecentListing(clock);
  const warnings = new RouteWarnings();
  const writer = new RouteWriter({
    listed,
    port,
    clusterId: settings.clusterId,
    network,
    routePriority,
    logger,
    wait: {
      clock,
      timeoutMs: settings.operationTimeoutMs ?? 180_000,
      pollIntervalMs: settings.pollIntervalMs ?? 1_000,
      // One wait call may legally return early, so bounding it well below the server's own
      // ~2 minutes loses nothing and keeps a lost answer from stalling every route for minutes.
      waitCallMs: settings.operationWaitCallMs ?? 30_000,
    },
  });
  let cidrCache: { at: number; cidrs: readonly Cidr[] } | undefined;

  return {
    name: providerName,
    capabilities,
    async networkCidrs() {
      if (cidrCache && clock.monotonicMs() - cidrCache.at < ttlMs) return cidrCache.cidrs;
      const cidrs = await readNetworkCidrs(port, network);
      cidrCache = { at: clock.monotonicMs(), cidrs };
      return cidrs;
    },
    async listTables() {
      const routes = await listNetworkRoutes(port, network);
      listed.remember(routes);
      warnings.remember(routes);
      return [toObservedTable(network.name, routes, settings.clusterId)];
    },
    resolveTarget: async (node: NodeInfo, family: IpFamily): Promise<ResolvedTarget> =>
      warnings.apply(await targets.resolve(node, family)),
    applyWrite: (write: RouteWrite) => writer.apply(write),
    async enableForwarding(target: ResolvedTarget) {
      throw new PermanentError(
        `cannot enable IP forwarding on ${target.description} (node ${target.nodeName}): GCP sets canIpForward only when an instance is created; enable it in the node pool's instance template and recreate the nodes`,
      );
    },
  };
}
