import type { LogLevel } from "./types.js";

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
  writesPerSecond: 2,
  maxCidrsPerService: 32,
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

/** AWS allows 5 mutating EC2 calls per second per account before throttling everyone. */
export const maxWritesPerSecond = 5;

/** Upper bound on `maxCidrsPerService`; an annotation value is at most 4096 characters anyway. */
export const maxCidrsPerServiceLimit = 256;

/** client-go's leader-election jitter factor: renewDeadline must exceed retryPeriod times this. */
export const leaderElectionJitter = 1.2;
