import type { LogLevel } from "../observability/logger.js";

const logLevel: LogLevel = "info";

/**
 * Built-in defaults, the lowest precedence. One table, so help text and the loader quote the same
 * numbers.
 */
export const defaults = {
  minPrefixLength: { v4: 16, v6: 48 },
  adoptExistingRoutes: false,
  dryRun: false,
  resyncIntervalMs: 60_000,
  /** How long no endpoint at all must last before `on-no-endpoint: withdraw` withdraws. */
  withdrawGraceMs: 5_000,
  writesPerSecond: 2,
  maxCidrsPerService: 32,
  /** Only the built-in EndpointSlice controller's slices choose where VPN traffic goes. */
  trustedEndpointSliceManagers: ["endpointslice-controller.k8s.io"] as readonly string[],
  leaderElection: {
    enabled: true,
    leaseName: "vpc-route-sync",
    fallbackNamespace: "kube-system",
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
  },
  http: { host: "0.0.0.0", port: 8080 },
  logLevel,
  logPretty: false,
  awsManageSourceDestCheck: false,
  gcpRoutePriority: 1000,
} as const;

/** Where Kubernetes mounts the Pod's namespace; read when neither flag nor POD_NAMESPACE is set. */
export const serviceAccountNamespaceFile =
  "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/**
 * AWS refills each mutating EC2 action's token bucket (ReplaceRoute, CreateRoute, DeleteRoute...)
 * at 5 per second for the whole account and region; beyond that every client of it is throttled.
 */
export const maxWritesPerSecond = 5;

/**
 * The same buckets hold at most 50 tokens (EC2 API throttling, "Mutating actions": capacity 50,
 * refill 5/s; Azure Resource Manager allows 200 writes, so AWS is the tighter). A larger burst
 * would be refused by AWS with RequestLimitExceeded, and would starve the account's other clients.
 */
export const maxWriteBurst = 50;

/**
 * The burst when none is configured: ten seconds of the sustained rate (20 at 2/s, 50 at 5/s),
 * so one move of a few route tables never waits, at most the cloud's own bucket.
 */
export function defaultWriteBurst(writesPerSecond: number): number {
  return Math.min(maxWriteBurst, Math.max(1, Math.ceil(writesPerSecond * 10)));
}

/** Upper bound on `maxCidrsPerService`; an annotation value is at most 4096 characters anyway. */
export const maxCidrsPerServiceLimit = 256;

/** client-go's leader-election jitter factor: renewDeadline must exceed retryPeriod times this. */
export const leaderElectionJitter = 1.2;
