import type { Cidr } from "../domain/cidr.js";
import type { LogLevel } from "../observability/logger.js";

/** The clouds with a route-table provider; picks the provider factory at start-up. */
export type ProviderName = "aws" | "gcp" | "azure";

/**
 * Lease-based leader election, so only one replica ever writes to the cloud (docs/design.md,
 * safety rule 6).
 */
export interface LeaderElectionConfig {
  enabled: boolean;
  namespace: string;
  leaseName: string;
  /** Unique per process, so a restarted Pod never mistakes the old holder's lease for its own. */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** AWS settings; route tables are chosen by id and/or by tag. */
export interface AwsConfig {
  /** undefined lets the SDK's own region chain decide. */
  region: string | undefined;
  /** Only for emulators and tests (e.g. LocalStack). */
  endpoint: string | undefined;
  routeTableIds: string[];
  /** Every tag must match for a route table to be managed. */
  routeTableTags: { key: string; value: string }[];
  /** Turn off source/destination checking on the target ENI, rather than only reporting it. */
  manageSourceDestCheck: boolean;
}

/** GCP settings; routes are global to one VPC network. */
export interface GcpConfig {
  project: string | undefined;
  /** The network's name, e.g. `default`. */
  network: string | undefined;
  /** Only for local fakes and tests. */
  endpoint: string | undefined;
  /** Priority of managed routes (lower wins); at least 1, so a move can insert at a better one. */
  routePriority: number;
}

/** Azure settings; route tables are addressed by full resource id. */
export interface AzureConfig {
  routeTableIds: string[];
  /** Only for local fakes and tests. */
  endpoint: string | undefined;
}

/**
 * The validated configuration of one process. Every field is final: defaults are applied and
 * every constraint is checked by `loadConfig`, so no consumer re-validates.
 */
export interface Config {
  provider: ProviderName;
  /** Goes into ownership markers and GCP route names, so two clusters in one VPC never fight. */
  clusterId: string;
  /** The admin's allowlist: a requested CIDR must lie inside one of these. */
  allowedCidrs: Cidr[];
  /** `["*"]` is the explicit opt-in to all namespaces. */
  allowedNamespaces: string[];
  minPrefixLength: { v4: number; v6: number };
  /** Pod and Service CIDRs of the cluster: always refused. */
  clusterCidrs: Cidr[];
  /** EndpointSlice writers (`managed-by` values) whose endpoints count; `*` for any. */
  trustedEndpointSliceManagers: string[];
  adoptExistingRoutes: boolean;
  dryRun: boolean;
  resyncIntervalMs: number;
  /** See the `withdraw-grace` setting. */
  withdrawGraceMs: number;
  writesPerSecond: number;
  /** Writes allowed at once (token bucket size); the default derives from `writesPerSecond`. */
  writeBurst: number;
  maxCidrsPerService: number;
  leaderElection: LeaderElectionConfig;
  http: { host: string; port: number };
  kubeconfig: string | undefined;
  log: { level: LogLevel; pretty: boolean };
  aws: AwsConfig;
  gcp: GcpConfig;
  azure: AzureConfig;
}
