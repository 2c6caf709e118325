import type { Cidr, IpFamily } from "../src/domain/cidr.js";
import type { ObservedTable, RouteOwner, RouteTarget } from "../src/domain/route.js";
import type { NodeInfo } from "../src/domain/service.js";

/** What a provider can do, so the reconciler and the contract suite adapt instead of guessing. */
export interface ProviderCapabilities {
  /** A replace never leaves the CIDR without a route (AWS ReplaceRoute, GCP insert-then-delete). */
  readonly gaplessReplace: boolean;
  /** The provider can tell whether the target forwards traffic that is not addressed to it. */
  readonly forwardingCheck: boolean;
  /** The provider can turn forwarding on (AWS source/dest check) when the admin allows it. */
  readonly manageForwarding: boolean;
  /** IPv6 CIDRs are supported; when false they are refused with a clear message. */
  readonly ipv6: boolean;
  /**
   * Each (table, CIDR) is its own cloud object, so writes for different CIDRs of one table may run
   * at once (GCP: one route resource per CIDR in the network). Absent or false: the applier writes
   * one route at a time per table (Azure refuses concurrent writes to a route table).
   */
  readonly independentRoutes?: boolean;
}

/** Whether the target node's network interface forwards packets for other addresses. */
export type ForwardingStatus =
  | { readonly state: "enabled" }
  | { readonly state: "disabled"; readonly message: string }
  | { readonly state: "unknown"; readonly message: string };

/** A node resolved to the cloud object routes point at. */
export interface ResolvedTarget extends RouteTarget {
  /** For messages: `eni-0abc (i-0def, 172.31.0.4)`. */
  readonly description: string;
  readonly forwarding: ForwardingStatus;
}

/** One cloud write; the provider applies it idempotently together with its ownership record. */
export interface RouteWrite {
  readonly kind: "create" | "replace" | "delete";
  readonly table: string;
  readonly cidr: Cidr;
  /** Target to route to (create, replace). */
  readonly target: RouteTarget | undefined;
  /** Ownership recorded (create, replace) or released (delete). */
  readonly owner: RouteOwner;
  /** The route has no ownership record yet (adoptExistingRoutes). */
  readonly adopt: boolean;
  /** For delete: false when only the ownership record remains. */
  readonly routeExists: boolean;
  /** For create/replace: the ownership record must be (re)written; false for a plain move, saving a call. */
  readonly ownerChanged: boolean;
}

/**
 * The narrow port between the reconciler and a cloud. Implementations: aws, gcp, azure, and fake
 * (unit tests); the node agent programs kernel routes itself (src/agent/), not through this port.
 * Every method throws the typed errors of src/errors.ts.
 */
export interface Provider {
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  /** The network's own CIDRs (VPC/VNet ranges); requested CIDRs overlapping them are refused. */
  networkCidrs(): Promise<readonly Cidr[]>;
  /** Every managed route table with its routes and ownership records, in as few reads as the cloud allows. */
  listTables(): Promise<readonly ObservedTable[]>;
  /** Maps a node to the target for CIDRs of `family`; cached, so steady state makes no calls. */
  resolveTarget(node: NodeInfo, family: IpFamily): Promise<ResolvedTarget>;
  /** Applies one write with its ownership record; safe to retry after any error. */
  applyWrite(write: RouteWrite): Promise<void>;
  /** Turns forwarding on for the target (only when `capabilities.manageForwarding`). */
  enableForwarding(target: ResolvedTarget): Promise<void>;
}

export type { CallObserver } from "../src/domain/calls.js";
