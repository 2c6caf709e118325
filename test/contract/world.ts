/**
 * What the provider contract suite needs from one cloud: a provider on a freshly seeded network,
 * three nodes, the managed tables, and the out-of-band powers a test needs (another tool's route,
 * another cluster's route, throttling, a node's forwarding switch, a view of every state the
 * cloud went through). One adapter per provider implements it, so the suite itself never knows
 * which cloud it is talking to.
 */
import type { Provider } from "../../providers/types.js";
import type { RouteOwner } from "../../src/domain/route.js";
import type { NodeInfo } from "../../src/domain/service.js";

/** Whether a move left the CIDR without a route at any moment, and how that was established. */
export interface GapReport {
  /**
   * `state log`: every state the (fake) cloud went through was inspected; `call log`: the cloud
   * offers no state log, so the calls made are checked instead (no delete during the move).
   */
  readonly evidence: "state log" | "call log";
  readonly gapless: boolean;
  /** What was seen, for the failure message. */
  readonly detail: string;
}

/** A recording of the cloud's state for one CIDR, started before a move and stopped after it. */
export interface RouteWatch {
  stop(): GapReport;
}

/** One provider on a freshly seeded cloud, with the test-side powers the contract needs. */
export interface ContractWorld {
  /** The cluster id the provider records in its ownership. */
  readonly clusterId: string;
  /** The provider instance under test. */
  readonly provider: Provider;
  /** Node A and B host the VPN in turn; node C is where foreign routes point. */
  readonly nodes: readonly [NodeInfo, NodeInfo, NodeInfo];
  /** Ids of the managed route tables, as `listTables()` reports them. */
  readonly tables: readonly string[];
  /** The network's own ranges as seeded, canonical. */
  readonly networkCidrs: readonly string[];
  /** A new provider instance on the same cloud with the same cluster id: a controller restart. */
  restart(): Provider;
  /** A route for `cidr` to `node`, created by hand or by another tool (no ownership record). */
  putForeignRoute(table: string, cidr: string, node: NodeInfo): Promise<void>;
  /** A route for `cidr` to `node` written by another cluster's controller, owned by `owner`. */
  putOtherClusterRoute(
    table: string,
    cidr: string,
    node: NodeInfo,
    owner: RouteOwner,
  ): Promise<void>;
  /** Makes the cloud throttle the next route write call. */
  injectThrottle(): void;
  /** How many throttled answers the cloud has given so far. */
  throttledAnswers(): number;
  /** Turns forwarding on or off on the node's network interface, out of band. */
  setForwarding(node: NodeInfo, on: boolean): Promise<void>;
  /** The interface a forwarding message must name (ENI id, instance, NIC, fake target). */
  interfaceName(node: NodeInfo): string;
  /** Starts recording the cloud's states for `cidr`, for the gapless-move check. */
  watchRoutes(cidr: string): RouteWatch;
  /** Stops everything the world started. */
  close(): Promise<void>;
}

/** Starts a fresh world; the suite calls it before every behaviour. */
export type WorldFactory = () => Promise<ContractWorld>;
