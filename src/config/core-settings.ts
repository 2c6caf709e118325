import { agentDefaults } from "../agent/options.js";
import { listenAddressValue } from "./addresses.js";
import {
  defaults,
  defaultWriteBurst,
  maxCidrsPerServiceLimit,
  maxWriteBurst,
  maxWritesPerSecond,
} from "./defaults.js";
import { durationValue, formatDuration } from "./durations.js";
import { leaderElectionSettings } from "./leader-election-settings.js";
import { cidrItem, listOf, patternItem } from "./lists.js";
import { dns1123Label } from "./patterns.js";
import { defineSetting, switchHelp } from "./setting.js";
import { booleanValue, decimal, explained, integer, oneOf, show, stringValue } from "./values.js";

const clusterIdPattern = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

function checkClusterId(text: string): string | undefined {
  if (clusterIdPattern.test(text)) return undefined;
  const fixed = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 32)
    .replace(/^-+|-+$/g, "");
  const hint = clusterIdPattern.test(fixed) ? ` (did you mean ${fixed}?)` : "";
  return `${show(text)} is not a valid cluster id${hint}; use 1 to 32 lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes part of GCP route names)`;
}

/** Settings every provider shares: identity, policy, pacing, leader election, HTTP and logs. */
export const coreSettings = {
  config: defineSetting({
    flag: "config",
    file: undefined,
    placeholder: "<file>",
    group: "General",
    help: "YAML or JSON file holding any of these settings under the camelCase keys of the Config type (allowedCidrs, leaderElection.leaseDurationMs, aws.routeTableIds...). Flags and environment variables override it.",
    parser: stringValue(),
  }),
  provider: defineSetting({
    flag: "provider",
    file: "provider",
    placeholder: "<name>",
    group: "General",
    help: "Cloud whose route tables to program: aws, gcp or azure. Required.",
    parser: oneOf(["aws", "gcp", "azure"] as const),
  }),
  clusterId: defineSetting({
    flag: "cluster-id",
    file: "clusterId",
    placeholder: "<id>",
    group: "General",
    help: "Name of this cluster, recorded on every route it owns so that two clusters sharing a VPC never touch each other's routes; 1-32 lower-case letters, digits and '-'. Required.",
    parser: stringValue(checkClusterId),
  }),
  kubeconfig: defineSetting({
    flag: "kubeconfig",
    file: "kubeconfig",
    placeholder: "<file>",
    group: "General",
    help: "Kubeconfig for running outside the cluster. Default: KUBECONFIG, else the in-cluster service account.",
    parser: stringValue(),
    ambientEnv: ["KUBECONFIG"],
  }),
  dryRun: defineSetting({
    flag: "dry-run",
    file: "dryRun",
    placeholder: "[bool]",
    group: "General",
    help: switchHelp(
      "Audit mode: plan and report as usual, but never write to the cloud.",
      defaults.dryRun,
    ),
    parser: booleanValue,
    controllerOnly: true,
  }),
  allowedCidrs: defineSetting({
    flag: "allowed-cidrs",
    file: "allowedCidrs",
    placeholder: "<cidrs>",
    group: "Policy",
    help: "Comma-separated networks Services may request routes for, e.g. 10.8.0.0/16. A requested CIDR outside them is refused, so editing a Service can never redirect other VPC traffic. Required.",
    parser: listOf(cidrItem),
  }),
  allowedNamespaces: defineSetting({
    flag: "allowed-namespaces",
    file: "allowedNamespaces",
    placeholder: "<names>",
    group: "Policy",
    help: "Comma-separated namespaces whose Services may request routes, or * for all. Required, so that trusting every namespace is an explicit choice.",
    parser: listOf(
      patternItem(
        new RegExp(`^\\*$|${dns1123Label.source}`),
        "a namespace name; use lower-case letters, digits and '-' (a DNS-1123 label), or * alone for all namespaces",
      ),
    ),
  }),
  minPrefixLength: defineSetting({
    flag: "min-prefix-length",
    file: "minPrefixLength.v4",
    placeholder: "<bits>",
    group: "Policy",
    help: `Shortest IPv4 prefix a Service may request; broader requests are refused. Default: ${defaults.minPrefixLength.v4}.`,
    parser: integer(1, 32),
  }),
  minPrefixLengthV6: defineSetting({
    flag: "min-prefix-length-v6",
    file: "minPrefixLength.v6",
    placeholder: "<bits>",
    group: "Policy",
    help: `Shortest IPv6 prefix a Service may request. Default: ${defaults.minPrefixLength.v6}.`,
    parser: integer(1, 128),
  }),
  clusterCidrs: defineSetting({
    flag: "cluster-cidrs",
    file: "clusterCidrs",
    placeholder: "<cidrs>",
    group: "Policy",
    help: "Comma-separated pod and Service CIDRs of this cluster. Requests overlapping them are always refused, as routing them to one node would break the cluster network. Default: none.",
    parser: listOf(cidrItem),
  }),
  trustedEndpointSliceManagers: defineSetting({
    flag: "trusted-endpoint-slice-managers",
    file: "trustedEndpointSliceManagers",
    placeholder: "<names>",
    group: "Policy",
    help: `Comma-separated endpointslice.kubernetes.io/managed-by values whose EndpointSlices may choose the hosting node; slices written by anyone else are ignored with an EndpointSliceNotTrusted Event. Add the controller that manages a selector-less Service's slices; * trusts every writer (not recommended). Default: ${defaults.trustedEndpointSliceManagers.join(",")}.`,
    parser: listOf(
      patternItem(
        /^\*$|^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
        "a label value (letters, digits, '-', '_', '.', at most 63 characters), or * alone for every writer",
      ),
    ),
  }),
  adoptExistingRoutes: defineSetting({
    flag: "adopt-existing-routes",
    file: "adoptExistingRoutes",
    placeholder: "[bool]",
    group: "Policy",
    help: switchHelp(
      "Take over existing routes for requested CIDRs that this cluster does not own, instead of reporting a RouteConflict and leaving them alone.",
      defaults.adoptExistingRoutes,
    ),
    parser: booleanValue,
  }),
  maxCidrsPerService: defineSetting({
    flag: "max-cidrs-per-service",
    file: "maxCidrsPerService",
    placeholder: "<n>",
    group: "Policy",
    help: `Most CIDRs one Service may request; bounds the routes (and cloud writes) one Service can cause. Default: ${defaults.maxCidrsPerService}.`,
    parser: integer(1, maxCidrsPerServiceLimit),
  }),
  resyncInterval: defineSetting({
    flag: "resync-interval",
    file: "resyncIntervalMs",
    placeholder: "<duration>",
    group: "Reconcile",
    help: `How often route tables are re-read to repair drift, e.g. 60s, 2m, 500ms or plain seconds. Each resync costs cloud read calls. Default: ${formatDuration(defaults.resyncIntervalMs)}.`,
    parser: durationValue(100, 86_400_000),
  }),
  withdrawGrace: defineSetting({
    flag: "withdraw-grace",
    file: "withdrawGraceMs",
    placeholder: "<duration>",
    group: "Reconcile",
    help: `How long a Service with vpc-route-sync.io/on-no-endpoint=withdraw must have no endpoint at all before its routes are withdrawn; an endpoint that is terminating but still serving also holds the withdrawal. Rides out the moment of every drain and rollout when the old endpoint is gone and the new one not yet ready. 0 withdraws at once. Default: ${formatDuration(defaults.withdrawGraceMs)}.`,
    parser: durationValue(0, 3_600_000),
    controllerOnly: true,
  }),
  writesPerSecond: defineSetting({
    flag: "writes-per-second",
    file: "writesPerSecond",
    placeholder: "<rate>",
    group: "Reconcile",
    help: `Cloud write budget across all route tables; at most ${maxWritesPerSecond}, since AWS throttles every client of the account beyond that. Default: ${defaults.writesPerSecond}.`,
    parser: decimal(0, maxWritesPerSecond),
  }),
  writeBurst: defineSetting({
    flag: "write-burst",
    file: "writeBurst",
    placeholder: "<writes>",
    group: "Reconcile",
    help: `Writes that may go out at once before --writes-per-second paces the rest; a move needs one write per (route table, CIDR), so a burst covering it converges without waiting. At most ${maxWriteBurst}, AWS's own burst for each route call in the account. Default: ten seconds' worth of --writes-per-second (${defaultWriteBurst(defaults.writesPerSecond)} at ${defaults.writesPerSecond}/s).`,
    parser: explained(
      integer(1, maxWriteBurst),
      `AWS refuses more than ${maxWriteBurst} route writes at once per account and region`,
    ),
  }),
  ...leaderElectionSettings,
  httpAddress: defineSetting({
    flag: "http-address",
    file: "http",
    placeholder: "<host:port>",
    group: "HTTP and logging",
    help: `Listen address of the health and metrics server (port 0 picks a free port). Default: ${defaults.http.host}:${defaults.http.port}; the agent: ${agentDefaults.http.host}:${agentDefaults.http.port} (loopback: it runs in the host network).`,
    parser: listenAddressValue(defaults.http),
  }),
  logLevel: defineSetting({
    flag: "log-level",
    file: "log.level",
    placeholder: "<level>",
    group: "HTTP and logging",
    help: `trace, debug, info, warn, error, fatal or silent. Default: ${defaults.logLevel}.`,
    parser: oneOf(["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const),
  }),
  logPretty: defineSetting({
    flag: "log-pretty",
    file: "log.pretty",
    placeholder: "[bool]",
    group: "HTTP and logging",
    help: switchHelp("Human-readable log lines instead of JSON.", defaults.logPretty),
    parser: booleanValue,
  }),
} as const;
