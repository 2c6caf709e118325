import { defaults } from "./defaults.js";
import { durationValue, formatDuration } from "./durations.js";
import { dns1123Label, dns1123Subdomain } from "./patterns.js";
import { defineSetting, switchHelp } from "./setting.js";
import { booleanValue, show, stringValue } from "./values.js";

const le = defaults.leaderElection;
const group = "Leader election" as const;

/**
 * Lease-based leader election, with client-go's flag names and defaults so operators can carry
 * their habits over. Durations are cross-checked in leader-election.ts.
 */
export const leaderElectionSettings = {
  leaderElect: defineSetting({
    flag: "leader-elect",
    file: "leaderElection.enabled",
    placeholder: "[bool]",
    group,
    help: switchHelp(
      "Elect a leader through a Lease so that only one replica writes to the cloud; turn off only when running a single replica.",
      le.enabled,
    ),
    parser: booleanValue,
    negatable: true,
  }),
  leaderElectNamespace: defineSetting({
    flag: "leader-elect-namespace",
    file: "leaderElection.namespace",
    placeholder: "<namespace>",
    group,
    help: `Namespace of the Lease. Default: POD_NAMESPACE, else the service account's namespace, else ${le.fallbackNamespace}.`,
    parser: stringValue((text) =>
      dns1123Label.test(text)
        ? undefined
        : `${show(text)} is not a namespace name; use a DNS-1123 label such as vpn`,
    ),
  }),
  leaderElectLeaseName: defineSetting({
    flag: "leader-elect-lease-name",
    file: "leaderElection.leaseName",
    placeholder: "<name>",
    group,
    help: `Name of the Lease; replicas sharing it elect one leader. Default: ${le.leaseName}.`,
    parser: stringValue((text) =>
      dns1123Subdomain.test(text)
        ? undefined
        : `${show(text)} is not a valid Lease name; use lower-case letters, digits, '-' and '.'`,
    ),
  }),
  leaderElectIdentity: defineSetting({
    flag: "leader-elect-identity",
    file: "leaderElection.identity",
    placeholder: "<id>",
    group,
    help: "Holder identity of this replica; must be unique. Default: POD_NAME (else the host name) plus a random suffix.",
    parser: stringValue((text) =>
      /^[\x21-\x7e]{1,128}$/.test(text)
        ? undefined
        : `${show(text)} is not a valid identity; use up to 128 printable ASCII characters without spaces`,
    ),
  }),
  leaderElectLeaseDuration: defineSetting({
    flag: "leader-elect-lease-duration",
    file: "leaderElection.leaseDurationMs",
    placeholder: "<duration>",
    group,
    help: `How long followers wait before taking over a lease that is not renewed. Default: ${formatDuration(le.leaseDurationMs)}.`,
    parser: durationValue(1, 3_600_000),
  }),
  leaderElectRenewDeadline: defineSetting({
    flag: "leader-elect-renew-deadline",
    file: "leaderElection.renewDeadlineMs",
    placeholder: "<duration>",
    group,
    help: `How long the leader keeps trying to renew before it stops writing and exits; must be shorter than the lease duration. Default: ${formatDuration(le.renewDeadlineMs)}.`,
    parser: durationValue(1, 3_600_000),
  }),
  leaderElectRetryPeriod: defineSetting({
    flag: "leader-elect-retry-period",
    file: "leaderElection.retryPeriodMs",
    placeholder: "<duration>",
    group,
    help: `Wait between attempts to acquire or renew the lease. Default: ${formatDuration(le.retryPeriodMs)}.`,
    parser: durationValue(1, 3_600_000),
  }),
};
