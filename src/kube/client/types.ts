/**
 * The few Kubernetes object shapes the controller and the agent read or write, as they arrive on
 * the wire (timestamps are strings). Only the fields we use are declared; everything else is
 * carried along untyped, so a round-trip keeps what we do not model.
 */

/** metadata of any object. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Any object with metadata: what lists and watches carry. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** A list response page. */
export interface KubeList<T> {
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items?: T[];
}

/** core/v1 Service, as far as annotations and identity go. */
export interface KubeService extends KubeObject {
  spec?: Record<string, unknown>;
}

/** discovery.k8s.io/v1 EndpointSlice. */
export interface KubeEndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: {
    addresses: string[];
    nodeName?: string;
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  }[];
}

/** core/v1 Node: how a node is reached. */
export interface KubeNode extends KubeObject {
  spec?: { providerID?: string };
  status?: { addresses?: { type: string; address: string }[] };
}

/** coordination.k8s.io/v1 Lease; MicroTime fields are RFC 3339 strings with microseconds. */
export interface KubeLease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
    [field: string]: unknown;
  };
}

/** meta/v1 Status: the body of every error answer and of a watch ERROR event. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** One line of a watch stream. */
export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}
