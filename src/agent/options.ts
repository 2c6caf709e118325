import type { Cidr } from "../domain/cidr.js";
import type { LogLevel } from "../observability/logger.js";

/**
 * `fallback`: no cloud route table exists (kubenet, bare metal), so every node routes the VPN
 * CIDRs to the hosting node and the hosting node hands them to the Pod. `hop`: the controller
 * already points the VPC at the hosting node; only that node needs the last hop to the Pod.
 */
export type AgentMode = "fallback" | "hop";

/** Every agent mode, for flag validation and help. */
export const agentModes: readonly AgentMode[] = ["fallback", "hop"];

/**
 * Route protocol number written on every route the agent installs: its ownership marker in the
 * kernel (like a tag on a cloud route). 201 is unassigned in rtnetlink.h and /etc/iproute2/rt_protos.
 */
export const defaultRouteProtocol = 201;

/** The iptables nat chain the agent owns; nothing outside it is written except one jump. */
export const masqueradeChain = "VRS-MASQ";

/**
 * The validated settings of one `vpc-route-sync agent` process. The policy fields are the same
 * admin-owned settings as the controller's, so both refuse exactly the same requests.
 */
export interface AgentOptions {
  /** This node's name (the Downward API's spec.nodeName), compared with EndpointSlice nodeName. */
  readonly nodeName: string;
  readonly mode: AgentMode;
  /** MASQUERADE traffic to every accepted VPN CIDR unless its Service says otherwise. */
  readonly masquerade: boolean;
  readonly routeProtocol: number;
  readonly allowedCidrs: readonly Cidr[];
  readonly allowedNamespaces: readonly string[];
  readonly minPrefixLength: { readonly v4: number; readonly v6: number };
  /** Pod and Service CIDRs: refused as requests, and the only addresses a VPN Pod may have. */
  readonly clusterCidrs: readonly Cidr[];
  /** EndpointSlice writers whose endpoints count, as for the controller. */
  readonly trustedEndpointSliceManagers: readonly string[];
  readonly maxCidrsPerService: number;
  readonly resyncIntervalMs: number;
  readonly kubeconfig: string | undefined;
  readonly http: { readonly host: string; readonly port: number };
  readonly log: { readonly level: LogLevel; readonly pretty: boolean };
}

/**
 * Defaults of the agent-only settings. The resync is shorter than the controller's because a
 * kernel read costs nothing against any API budget, and tampering should be repaired quickly.
 * The HTTP server listens on loopback: the agent runs in the host network, where 0.0.0.0 would
 * serve metrics to the whole VPC (the chart can bind it to the node IP for scraping instead).
 */
export const agentDefaults = {
  mode: "fallback" as AgentMode,
  masquerade: false,
  routeProtocol: defaultRouteProtocol,
  resyncIntervalMs: 30_000,
  http: { host: "127.0.0.1", port: 9402 },
} as const;
