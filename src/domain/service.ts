import type { Cidr } from "./cidr.js";

/** `namespace/name` of a Kubernetes Service; the unit of intent and of reporting. */
export type ServiceKey = string;

/**
 * The key a periodic resync enqueues in the controller's and the agent's queues: no Service, a
 * pass that re-reads the cloud (or the kernel) and repairs drift.
 */
export const resyncKey: ServiceKey = "*/resync";

/** What to do with routes when the Service has no ready endpoint. */
export type OnNoEndpoint = "keep" | "withdraw";

/** One endpoint of the VPN Service, reduced to what target selection needs. */
export interface EndpointInfo {
  readonly address: string;
  readonly nodeName: string | undefined;
  readonly ready: boolean;
  readonly terminating: boolean;
  /**
   * Still answering though terminating (the EndpointSlice `serving` condition); such an endpoint
   * never becomes a target, but while it serves an `on-no-endpoint: withdraw` waits.
   */
  readonly serving?: boolean;
}

/** A Service's validated request for routes (annotation syntax already checked). */
export interface ServiceIntent {
  readonly key: ServiceKey;
  /** ISO timestamp; the older Service wins when two request the same CIDR. */
  readonly createdAt: string;
  readonly cidrs: readonly Cidr[];
  /** Narrowing of the admin-configured route tables; undefined means all of them. */
  readonly routeTables: readonly string[] | undefined;
  readonly onNoEndpoint: OnNoEndpoint;
  readonly endpoints: readonly EndpointInfo[];
  /**
   * Why an `on-no-endpoint: withdraw` is held back for now (an endpoint still serving, or the
   * withdraw grace not over); the routes stay and this is reported instead.
   */
  readonly withdrawHeld?: string;
}

/** A node as the providers need it: a plain value, no Kubernetes types. */
export interface NodeInfo {
  readonly name: string;
  /** `spec.providerID`, e.g. `aws:///us-east-1a/i-0abc`. */
  readonly providerId: string | undefined;
  /** The node's InternalIP addresses (IPv4 and/or IPv6). */
  readonly internalIps: readonly string[];
}
