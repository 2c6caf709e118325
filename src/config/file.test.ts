import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { loadConfig } from "./load.js";

const path = "/etc/vpc-route-sync/config.yaml";

function load(text: string, options: Record<string, unknown> = {}) {
  return loadConfig({
    options: { config: path, ...options },
    env: {},
    readFile: (p) => {
      if (p !== path) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return text;
    },
    hostname: () => "host-a",
    randomHex: () => "0badc0de",
  });
}

function problemsOf(text: string, options: Record<string, unknown> = {}): string[] {
  try {
    load(text, options);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim());
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const required = `
provider: azure
clusterId: prod-1
allowedCidrs: [10.8.0.0/16]
allowedNamespaces: [vpn]
azure:
  routeTableIds:
    - /subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt
`;

describe("config file", () => {
  it("reads every setting from nested YAML keys named as in Config", () => {
    const config = load(`
provider: aws
clusterId: prod-1
allowedCidrs:
  - 10.8.0.0/16
  - fd00:8::/48
allowedNamespaces: ["*"]
minPrefixLength: { v4: 12, v6: 40 }
clusterCidrs: [10.96.0.0/12]
adoptExistingRoutes: true
dryRun: true
resyncIntervalMs: 30000
writesPerSecond: 1.5
writeBurst: 40
maxCidrsPerService: 4
leaderElection:
  enabled: false
  namespace: vpn
  leaseName: vrs
  identity: me
  leaseDurationMs: 20s
  renewDeadlineMs: 12000
  retryPeriodMs: 3s
http: { host: 127.0.0.1, port: 0 }
kubeconfig: /kube/config
log: { level: debug, pretty: true }
aws:
  region: eu-west-1
  endpoint: http://127.0.0.1:4566
  routeTableIds: [rtb-0123456789abcdef0]
  routeTableTags:
    - { key: vpc-route-sync, value: enabled }
  manageSourceDestCheck: true
gcp: { routePriority: 500 }
`);
    expect(config).toMatchObject({
      allowedNamespaces: ["*"],
      minPrefixLength: { v4: 12, v6: 40 },
      adoptExistingRoutes: true,
      dryRun: true,
      resyncIntervalMs: 30_000,
      writesPerSecond: 1.5,
      writeBurst: 40,
      maxCidrsPerService: 4,
      leaderElection: {
        enabled: false,
        namespace: "vpn",
        leaseName: "vrs",
        identity: "me",
        leaseDurationMs: 20_000,
        renewDeadlineMs: 12_000,
        retryPeriodMs: 3_000,
      },
      http: { host: "127.0.0.1", port: 0 },
      kubeconfig: "/kube/config",
      log: { level: "debug", pretty: true },
      aws: {
        region: "eu-west-1",
        endpoint: "http://127.0.0.1:4566",
        routeTableIds: ["rtb-0123456789abcdef0"],
        routeTableTags: [{ key: "vpc-route-sync", value: "enabled" }],
        manageSourceDestCheck: true,
      },
      gcp: { routePriority: 500 },
    });
    expect(config.allowedCidrs.map((c) => c.text)).toEqual(["10.8.0.0/16", "fd00:8::/48"]);
    expect(config.clusterCidrs.map((c) => c.text)).toEqual(["10.96.0.0/12"]);
  });

  it("reads JSON, since JSON is YAML", () => {
    const config = load(
      JSON.stringify({
        provider: "gcp",
        clusterId: "c",
        allowedCidrs: ["10.8.0.0/16"],
        allowedNamespaces: ["vpn"],
        gcp: { project: "my-project", network: "default" },
        http: { port: 9090 },
      }),
    );
    expect(config.gcp.network).toBe("default");
    expect(config.http).toEqual({ host: "0.0.0.0", port: 9090 });
  });

  it("ignores keys left empty", () => {
    expect(load(`${required}aws:\n  region:\nlog:\n`).aws.region).toBeUndefined();
  });

  it("treats an empty file as no settings", () => {
    expect(problemsOf("", { provider: "aws" })).toContain(
      "--cluster-id (VRS_CLUSTER_ID, or clusterId in the config file): is required; name this cluster, e.g. prod-eu-1, so its routes are never confused with another cluster's",
    );
  });

  it.each([
    [
      "a misspelt key",
      "alowedCidrs: [10.8.0.0/16]",
      'unknown key "alowedCidrs"; did you mean allowedCidrs?',
    ],
    [
      "a flag name",
      "allowed-namespaces: [vpn]",
      'unknown key "allowed-namespaces"; did you mean allowedNamespaces?',
    ],
    [
      "a flat camelCase flag name",
      "awsRegion: us-east-1",
      'unknown key "awsRegion"; did you mean aws.region?',
    ],
    [
      "an environment variable name",
      "VRS_DRY_RUN: true",
      'unknown key "VRS_DRY_RUN"; did you mean dryRun?',
    ],
    [
      "a nested misspelling",
      "aws:\n  regoin: us-east-1",
      'unknown key "aws.regoin"; did you mean aws.region?',
    ],
    [
      "a flag-style duration key",
      "resyncInterval: 30s",
      'unknown key "resyncInterval"; did you mean resyncIntervalMs?',
    ],
    [
      "an unrelated key",
      "replicas: 3",
      'unknown key "replicas"; remove it (see --help for every setting and its config-file key)',
    ],
    [
      "the config key itself",
      "config: /other.yaml",
      'unknown key "config"; remove it (see --help for every setting and its config-file key)',
    ],
    [
      "a prototype key",
      "__proto__: { dryRun: true }",
      'unknown key "__proto__"; remove it (see --help for every setting and its config-file key)',
    ],
  ])("names %s and suggests the right key", (_, text, expected) => {
    expect(problemsOf(`${required}${text}\n`)).toContain(`config file ${path}: ${expected}`);
  });

  it.each([
    [
      "a list given as a string",
      "clusterCidrs: 10.96.0.0/12",
      'clusterCidrs (config file /etc/vpc-route-sync/config.yaml): expected a list, got the string "10.96.0.0/12"; write it as a YAML or JSON list',
    ],
    [
      "a burst larger than AWS allows",
      "writeBurst: 200",
      "writeBurst (config file /etc/vpc-route-sync/config.yaml): 200 is out of range; use a whole number from 1 to 50 (AWS refuses more than 50 route writes at once per account and region)",
    ],
    [
      "a YAML 1.1 boolean",
      "dryRun: yes",
      'dryRun (config file /etc/vpc-route-sync/config.yaml): expected true or false, got the string "yes"',
    ],
    [
      "a number where a mapping belongs",
      "minPrefixLength: 16",
      "config file /etc/vpc-route-sync/config.yaml: minPrefixLength must be a mapping of settings, got a number",
    ],
    [
      "a unitless duration string",
      'resyncIntervalMs: "60"',
      'resyncIntervalMs (config file /etc/vpc-route-sync/config.yaml): expected milliseconds as a whole number or a duration with a unit (e.g. 60s, 2m, 500ms or 1m30s), got the string "60"',
    ],
    [
      "an address string where a mapping belongs",
      'http: "0.0.0.0:8080"',
      'http (config file /etc/vpc-route-sync/config.yaml): expected a mapping with host and port, got the string "0.0.0.0:8080"',
    ],
    [
      "an unknown key under http",
      "http: { address: x }",
      'http (config file /etc/vpc-route-sync/config.yaml): unexpected key "address"; use only host and port',
    ],
    [
      "a port given as a string",
      'http: { port: "80" }',
      'http (config file /etc/vpc-route-sync/config.yaml): port: expected a number, got the string "80"',
    ],
    [
      "tags written as key=value strings",
      "aws: { routeTableTags: [a=b] }",
      'aws.routeTableTags (config file /etc/vpc-route-sync/config.yaml): expected { key, value } entries, got the string "a=b"',
    ],
    [
      "a tag with an extra field",
      "aws: { routeTableTags: [{ key: a, value: b, op: eq }] }",
      'aws.routeTableTags (config file /etc/vpc-route-sync/config.yaml): unexpected field "op" in a tag; use only key and value',
    ],
    [
      "a number in a list of CIDRs",
      "clusterCidrs: [10]",
      "clusterCidrs (config file /etc/vpc-route-sync/config.yaml): expected a list of strings, got an entry that is the number 10",
    ],
    [
      "a fractional whole number",
      "maxCidrsPerService: 2.5",
      "maxCidrsPerService (config file /etc/vpc-route-sync/config.yaml): expected a whole number from 1 to 256, got the number 2.5",
    ],
    [
      "a number where a word belongs",
      "log: { level: 3 }",
      "log.level (config file /etc/vpc-route-sync/config.yaml): expected one of trace, debug, info, warn, error, fatal, silent, got the number 3",
    ],
    [
      "a host-bits CIDR",
      "clusterCidrs: [10.96.0.1/12]",
      'clusterCidrs (config file /etc/vpc-route-sync/config.yaml): "10.96.0.1/12" is not a network address; did you mean 10.96.0.0/12?',
    ],
  ])("refuses %s, naming the key and the fix", (_, text, expected) => {
    expect(problemsOf(`${required}${text}\n`)).toContain(expected);
  });

  it.each([
    [
      "a syntax error",
      "provider: aws\n  clusterId: [",
      /^--config \(VRS_CONFIG\): "\/etc\/vpc-route-sync\/config.yaml" is not valid YAML or JSON at line \d+: .+; fix its syntax$/,
    ],
    [
      "a duplicated key",
      "provider: aws\nprovider: gcp\n",
      /is not valid YAML or JSON at line 2: duplicated mapping key; fix its syntax$/,
    ],
    [
      "a list at the top level",
      "- provider: aws\n",
      /must hold a mapping of settings at the top level, got a list$/,
    ],
    ["a custom YAML tag", "provider: !!js/undefined x\n", /is not valid YAML or JSON/],
  ])("refuses a file with %s", (_, text, pattern) => {
    const problems = problemsOf(text);
    expect(problems.some((line) => pattern.test(line))).toBe(true);
  });

  it("says when the file cannot be read", () => {
    const problems = problemsOf(required, { config: "/missing.yaml" });
    expect(problems).toContain(
      `--config (VRS_CONFIG): cannot read "/missing.yaml" (ENOENT: no such file or directory, open '/missing.yaml'); check the path and that the file is mounted`,
    );
  });

  it("lets flags override the file", () => {
    expect(load(required, { provider: "aws", awsRouteTableIds: "rtb-0a1b2c3d" }).provider).toBe(
      "aws",
    );
  });
});
