import { defaults, leaderElectionJitter, serviceAccountNamespaceFile } from "./defaults.js";
import { formatDuration } from "./durations.js";
import { dns1123Label } from "./patterns.js";
import type { Problems } from "./problems.js";
import type { Found, SettingReader } from "./reader.js";
import { flagLabel, type Setting } from "./setting.js";
import { settings } from "./settings.js";
import type { LeaderElectionConfig } from "./types.js";

/** What the leader-election defaults depend on outside the settings; injected for tests. */
export interface LeaderElectionContext {
  readonly env: NodeJS.ProcessEnv;
  readonly readFile: (path: string) => string;
  readonly hostname: () => string;
  /** 8 random hex characters, so two processes on one host never share an identity. */
  readonly randomHex: () => string;
}

/** POD_NAMESPACE (downward API), else the mounted service-account namespace, else kube-system. */
function defaultNamespace(context: LeaderElectionContext): string {
  const fromEnv = context.env.POD_NAMESPACE?.trim();
  if (fromEnv !== undefined && dns1123Label.test(fromEnv)) return fromEnv;
  try {
    const mounted = context.readFile(serviceAccountNamespaceFile).trim();
    if (dns1123Label.test(mounted)) return mounted;
  } catch {
    // Not running in a Pod: fall through to the fixed default.
  }
  return defaults.leaderElection.fallbackNamespace;
}

/** The configured duration, or the default labelled as such; undefined when set but invalid. */
function duration(
  reader: SettingReader,
  setting: Setting<number>,
  fallback: number,
): Found<number> | undefined {
  const found = reader.read(setting);
  if (found !== undefined) return found;
  if (reader.isSet(setting)) return undefined;
  return { value: fallback, label: `${flagLabel(setting)} (default ${formatDuration(fallback)})` };
}

/** client-go's checks; skipped when a duration is itself invalid, to avoid a second, false problem. */
function checkTimings(
  problems: Problems,
  lease: Found<number> | undefined,
  renew: Found<number> | undefined,
  retry: Found<number> | undefined,
): void {
  if (lease === undefined || renew === undefined || retry === undefined) return;
  if (lease.value <= renew.value) {
    problems.add(
      lease.label,
      `the lease duration ${formatDuration(lease.value)} must be longer than the renew deadline ${formatDuration(renew.value)}; raise the lease duration or lower --leader-elect-renew-deadline`,
    );
  }
  const minimumRenew = retry.value * leaderElectionJitter;
  if (renew.value <= minimumRenew) {
    problems.add(
      renew.label,
      `the renew deadline ${formatDuration(renew.value)} must be longer than ${leaderElectionJitter} x the retry period ${formatDuration(retry.value)} (${formatDuration(Math.ceil(minimumRenew))}); raise it or lower --leader-elect-retry-period`,
    );
  }
}

/**
 * Resolves leader election and checks its timing the way client-go does: the lease must outlive
 * the renew deadline, and the renew deadline must leave room for a jittered retry, or two
 * replicas can both believe they lead.
 */
export function readLeaderElection(
  reader: SettingReader,
  problems: Problems,
  context: LeaderElectionContext,
): LeaderElectionConfig {
  const le = defaults.leaderElection;
  const lease = duration(reader, settings.leaderElectLeaseDuration, le.leaseDurationMs);
  const renew = duration(reader, settings.leaderElectRenewDeadline, le.renewDeadlineMs);
  const retry = duration(reader, settings.leaderElectRetryPeriod, le.retryPeriodMs);
  checkTimings(problems, lease, renew, retry);
  const identity =
    reader.read(settings.leaderElectIdentity)?.value ??
    `${context.env.POD_NAME?.trim() || context.hostname()}_${context.randomHex()}`;
  return {
    enabled: reader.read(settings.leaderElect)?.value ?? le.enabled,
    namespace: reader.read(settings.leaderElectNamespace)?.value ?? defaultNamespace(context),
    leaseName: reader.read(settings.leaderElectLeaseName)?.value ?? le.leaseName,
    identity,
    leaseDurationMs: lease?.value ?? le.leaseDurationMs,
    renewDeadlineMs: renew?.value ?? le.renewDeadlineMs,
    retryPeriodMs: retry?.value ?? le.retryPeriodMs,
  };
}
