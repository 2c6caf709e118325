import type { Cidr } from "./cidr.js";
import type { ServiceKey } from "./service.js";

/**
 * Where a route sends traffic, as the provider names it: an ENI id on AWS, an instance URL on
 * GCP, a next-hop IP on Azure. Targets compare by `id` only.
 */
export interface RouteTarget {
  readonly id: string;
  /** The Kubernetes node behind the target, for messages and stickiness. */
  readonly nodeName: string;
}

/** The ownership record the controller keeps with a route (AWS tags, GCP description, Azure name/tags). */
export interface RouteOwner {
  readonly clusterId: string;
  readonly service: ServiceKey;
}

/** A route the cloud has now, as listed by a provider. */
export interface ObservedRoute {
  readonly table: string;
  readonly cidr: string;
  /** Provider target id; undefined when the route points at something that is not a node (IGW, NAT...). */
  readonly targetId: string | undefined;
  /** Human-readable target for tables and messages (`eni-0abc`, `igw-1`, `blackhole`). */
  readonly targetDescription: string;
  /** Ownership record found for this table and CIDR, of any cluster; undefined when none. */
  readonly owner: RouteOwner | undefined;
  /** False for an ownership record whose route is gone (a crash between the two writes). */
  readonly exists: boolean;
  /**
   * Further routes of ours for the same table and CIDR besides this one, the one in effect: only
   * GCP allows several, when a make-before-break switch was interrupted. A write removes them.
   */
  readonly leftovers?: number;
}

/** A route table the controller manages, with everything in it that matters for planning. */
export interface ObservedTable {
  readonly id: string;
  readonly routes: readonly ObservedRoute[];
}

/** A route the controller wants: this CIDR in this table to this target, on behalf of a Service. */
export interface DesiredRoute {
  readonly table: string;
  readonly cidr: Cidr;
  readonly target: RouteTarget;
  readonly service: ServiceKey;
}
