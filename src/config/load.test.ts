import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { loadConfig } from "./load.js";

/** A minimal valid AWS configuration, as commander would hand it over. */
const base: Record<string, unknown> = {
  provider: "aws",
  clusterId: "prod-1",
  allowedCidrs: "10.8.0.0/16",
  allowedNamespaces: "vpn",
  awsRouteTableIds: "rtb-0123456789abcdef0",
};

function load(
  options: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  files: Record<string, string> = {},
) {
  return loadConfig({
    options,
    env,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
    hostname: () => "host-a",
    randomHex: () => "0badc0de",
  });
}

/** The problem lines of the ConfigError thrown by `fn`. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const [heading, ...lines] = error.message.split("\n");
    expect(heading).toMatch(/^invalid configuration \(\d+ problems?\):$/);
    return lines.map((line) => line.trim());
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig defaults", () => {
  it("fills every optional setting with its documented default", () => {
    const config = load(base);
    expect(config).toMatchObject({
      provider: "aws",
      clusterId: "prod-1",
      allowedNamespaces: ["vpn"],
      minPrefixLength: { v4: 16, v6: 48 },
      clusterCidrs: [],
      adoptExistingRoutes: false,
      dryRun: false,
      resyncIntervalMs: 60_000,
      writesPerSecond: 2,
      writeBurst: 20,
      maxCidrsPerService: 32,
      http: { host: "0.0.0.0", port: 8080 },
      kubeconfig: undefined,
      log: { level: "info", pretty: false },
      aws: {
        region: undefined,
        endpoint: undefined,
        routeTableIds: ["rtb-0123456789abcdef0"],
        routeTableTags: [],
        manageSourceDestCheck: false,
      },
      gcp: { project: undefined, network: undefined, endpoint: undefined, routePriority: 1000 },
      azure: { routeTableIds: [], endpoint: undefined },
    });
    expect(config.allowedCidrs.map((cidr) => cidr.text)).toEqual(["10.8.0.0/16"]);
  });
});

describe("loadConfig reads every kind of value from flags", () => {
  it.each([
    [
      "several allowed CIDRs",
      { allowedCidrs: "10.8.0.0/16, fd00:8::/48" },
      (c) => c.allowedCidrs.map((x) => x.text),
      ["10.8.0.0/16", "fd00:8::/48"],
    ],
    ["all namespaces with *", { allowedNamespaces: "*" }, (c) => c.allowedNamespaces, ["*"]],
    [
      "several namespaces",
      { allowedNamespaces: "vpn,edge" },
      (c) => c.allowedNamespaces,
      ["vpn", "edge"],
    ],
    [
      "the minimum prefix lengths",
      { minPrefixLength: "12", minPrefixLengthV6: "40" },
      (c) => c.minPrefixLength,
      { v4: 12, v6: 40 },
    ],
    [
      "cluster CIDRs",
      { clusterCidrs: "10.96.0.0/12,10.244.0.0/16" },
      (c) => c.clusterCidrs.length,
      2,
    ],
    ["a bare switch", { adoptExistingRoutes: true }, (c) => c.adoptExistingRoutes, true],
    ["a switch with =false", { dryRun: "false" }, (c) => c.dryRun, false],
    ["a switch with =TRUE", { dryRun: "TRUE" }, (c) => c.dryRun, true],
    ["a resync interval in seconds", { resyncInterval: "30" }, (c) => c.resyncIntervalMs, 30_000],
    ["a resync interval with a unit", { resyncInterval: "2m" }, (c) => c.resyncIntervalMs, 120_000],
    [
      "a resync interval in milliseconds",
      { resyncInterval: "500ms" },
      (c) => c.resyncIntervalMs,
      500,
    ],
    ["a fractional write rate", { writesPerSecond: "0.5" }, (c) => c.writesPerSecond, 0.5],
    ["the largest write rate", { writesPerSecond: "5" }, (c) => c.writesPerSecond, 5],
    ["a write burst", { writeBurst: "40" }, (c) => c.writeBurst, 40],
    ["the largest write burst", { writeBurst: "50" }, (c) => c.writeBurst, 50],
    [
      "a burst of ten seconds' worth when only the rate is given",
      { writesPerSecond: "1.5" },
      (c) => c.writeBurst,
      15,
    ],
    [
      "at most AWS's own burst when only the largest rate is given",
      { writesPerSecond: "5" },
      (c) => c.writeBurst,
      50,
    ],
    [
      "an explicit burst that overrides the one derived from the rate",
      { writesPerSecond: "5", writeBurst: "10" },
      (c) => [c.writesPerSecond, c.writeBurst],
      [5, 10],
    ],
    ["a CIDR limit", { maxCidrsPerService: "8" }, (c) => c.maxCidrsPerService, 8],
    [
      "an IPv6 listen address",
      { httpAddress: "[::1]:9090" },
      (c) => c.http,
      { host: "::1", port: 9090 },
    ],
    [
      "a listen address without host",
      { httpAddress: ":9090" },
      (c) => c.http,
      { host: "0.0.0.0", port: 9090 },
    ],
    [
      "port 0 for tests",
      { httpAddress: "127.0.0.1:0" },
      (c) => c.http,
      { host: "127.0.0.1", port: 0 },
    ],
    [
      "a host name to listen on",
      { httpAddress: "localhost:8080" },
      (c) => c.http,
      { host: "localhost", port: 8080 },
    ],
    [
      "a kubeconfig",
      { kubeconfig: "/home/me/.kube/config" },
      (c) => c.kubeconfig,
      "/home/me/.kube/config",
    ],
    [
      "a log level and pretty output",
      { logLevel: "debug", logPretty: true },
      (c) => c.log,
      { level: "debug", pretty: true },
    ],
  ] satisfies [
    string,
    Record<string, unknown>,
    (c: ReturnType<typeof load>) => unknown,
    unknown,
  ][])("reads %s", (_, options, pick, expected) => {
    expect(pick(load({ ...base, ...options }))).toEqual(expected);
  });
});

describe("loadConfig precedence", () => {
  const file = { "/etc/vrs.yaml": "resyncIntervalMs: 30000\nlog:\n  level: warn\n" };

  it("prefers the flag over the environment and the file", () => {
    const config = load(
      { ...base, config: "/etc/vrs.yaml", resyncInterval: "10s" },
      { VRS_RESYNC_INTERVAL: "20s" },
      file,
    );
    expect(config.resyncIntervalMs).toBe(10_000);
  });

  it("prefers the environment over the file", () => {
    const config = load({ ...base, config: "/etc/vrs.yaml" }, { VRS_RESYNC_INTERVAL: "20s" }, file);
    expect(config.resyncIntervalMs).toBe(20_000);
  });

  it("prefers the file over the default", () => {
    const config = load({ ...base, config: "/etc/vrs.yaml" }, {}, file);
    expect(config.resyncIntervalMs).toBe(30_000);
    expect(config.log.level).toBe("warn");
  });

  it("finds the config file through VRS_CONFIG", () => {
    expect(load(base, { VRS_CONFIG: "/etc/vrs.yaml" }, file).log.level).toBe("warn");
  });

  it("reads required settings from the environment alone", () => {
    const config = load(
      {},
      {
        VRS_PROVIDER: "aws",
        VRS_CLUSTER_ID: "prod-1",
        VRS_ALLOWED_CIDRS: "10.8.0.0/16",
        VRS_ALLOWED_NAMESPACES: "vpn",
        VRS_AWS_ROUTE_TABLE_TAGS: "vpc-route-sync=enabled",
        VRS_DRY_RUN: "false",
      },
    );
    expect(config.aws.routeTableTags).toEqual([{ key: "vpc-route-sync", value: "enabled" }]);
    expect(config.dryRun).toBe(false);
  });

  it("treats an empty environment variable as unset", () => {
    expect(load(base, { VRS_LOG_LEVEL: "", VRS_RESYNC_INTERVAL: "  " }).log.level).toBe("info");
  });

  it("lets an explicit --no-leader-elect beat VRS_LEADER_ELECT=true", () => {
    expect(
      load({ ...base, leaderElect: false }, { VRS_LEADER_ELECT: "true" }).leaderElection.enabled,
    ).toBe(false);
  });

  it.each([
    [
      "KUBECONFIG below the config file",
      { KUBECONFIG: "/ambient" },
      "kubeconfig: /file\n",
      "/file",
    ],
    ["KUBECONFIG when nothing else is set", { KUBECONFIG: "/ambient" }, "", "/ambient"],
    [
      "VRS_KUBECONFIG above KUBECONFIG",
      { KUBECONFIG: "/ambient", VRS_KUBECONFIG: "/vrs" },
      "",
      "/vrs",
    ],
  ])("reads %s", (_, env, text, expected) => {
    expect(load({ ...base, config: "/c.yaml" }, env, { "/c.yaml": text }).kubeconfig).toBe(
      expected,
    );
  });

  it("takes the AWS region from VRS_AWS_REGION", () => {
    expect(load(base, { VRS_AWS_REGION: "ap-south-1" }).aws.region).toBe("ap-south-1");
  });

  it("leaves the AWS SDK's own variables to the SDK, so its whole chain applies", () => {
    const config = load(base, {
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ENDPOINT_URL_EC2: "not a url, and not ours to judge",
      AWS_ENDPOINT_URL: "http://all:4566",
    });
    expect(config.aws.region).toBeUndefined();
    expect(config.aws.endpoint).toBeUndefined();
  });

  it("passes the region from the config file on, where it wins over an injected AWS_REGION", () => {
    const config = load(
      { ...base, config: "/c.yaml" },
      { AWS_REGION: "eu-west-1" },
      { "/c.yaml": "aws:\n  region: us-west-2\n" },
    );
    expect(config.aws.region).toBe("us-west-2");
  });
});

describe("loadConfig problems", () => {
  it.each([
    [
      "the provider is missing",
      { provider: undefined },
      "--provider (VRS_PROVIDER, or provider in the config file): is required; set it to aws, gcp or azure",
    ],
    [
      "the cluster id is missing",
      { clusterId: undefined },
      "--cluster-id (VRS_CLUSTER_ID, or clusterId in the config file): is required; name this cluster, e.g. prod-eu-1, so its routes are never confused with another cluster's",
    ],
    [
      "the allowed CIDRs are missing",
      { allowedCidrs: undefined },
      "--allowed-cidrs (VRS_ALLOWED_CIDRS, or allowedCidrs in the config file): is required; set it to the VPN networks Services may request, e.g. 10.8.0.0/16",
    ],
    [
      "the allowed namespaces are missing",
      { allowedNamespaces: undefined },
      "--allowed-namespaces (VRS_ALLOWED_NAMESPACES, or allowedNamespaces in the config file): is required; list the namespaces of the VPN Services, e.g. vpn, or * to trust every namespace",
    ],
    [
      "the provider is unknown",
      { provider: "AWS" },
      '--provider (VRS_PROVIDER): "AWS" is not one of aws, gcp, azure (did you mean aws?); use one of those',
    ],
    [
      "the cluster id has upper case",
      { clusterId: "Prod_1" },
      `--cluster-id (VRS_CLUSTER_ID): "Prod_1" is not a valid cluster id (did you mean prod-1?); use 1 to 32 lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes part of GCP route names)`,
    ],
    [
      "the cluster id is too long for GCP route names",
      { clusterId: "a".repeat(33) },
      "is not a valid cluster id (did you mean aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?)",
    ],
    [
      "an allowed CIDR has host bits",
      { allowedCidrs: "10.8.0.1/24" },
      '--allowed-cidrs (VRS_ALLOWED_CIDRS): "10.8.0.1/24" is not a network address; did you mean 10.8.0.0/24?',
    ],
    [
      "an allowed CIDR is a default route",
      { allowedCidrs: "0.0.0.0/0" },
      "--allowed-cidrs (VRS_ALLOWED_CIDRS): 0.0.0.0/0 would allow every address, including a default route; list only the VPN networks, e.g. 10.8.0.0/16",
    ],
    [
      "an allowed CIDR lies inside a cluster CIDR",
      { allowedCidrs: "10.96.0.0/16", clusterCidrs: "10.96.0.0/12" },
      "--allowed-cidrs (VRS_ALLOWED_CIDRS): 10.96.0.0/16 lies inside the cluster CIDR 10.96.0.0/12 from --cluster-cidrs (VRS_CLUSTER_CIDRS), so nothing in it could ever be routed; remove it or fix the cluster CIDR",
    ],
    [
      "an allowed CIDR is listed twice",
      { allowedCidrs: "10.8.0.0/16,10.8.0.0/16" },
      "--allowed-cidrs (VRS_ALLOWED_CIDRS): 10.8.0.0/16 is listed twice; remove the duplicate",
    ],
    [
      "the allowed CIDRs are only commas",
      { allowedCidrs: ",," },
      "--allowed-cidrs (VRS_ALLOWED_CIDRS): is empty; list at least one entry or leave it unset",
    ],
    [
      "a namespace is not a DNS label",
      { allowedNamespaces: "VPN" },
      `--allowed-namespaces (VRS_ALLOWED_NAMESPACES): "VPN" is not a namespace name; use lower-case letters, digits and '-' (a DNS-1123 label), or * alone for all namespaces`,
    ],
    [
      "* is mixed with names",
      { allowedNamespaces: "*,vpn" },
      "--allowed-namespaces (VRS_ALLOWED_NAMESPACES): * already means every namespace; use * alone, or list only specific namespaces",
    ],
    [
      "the minimum prefix is 0",
      { minPrefixLength: "0" },
      '--min-prefix-length (VRS_MIN_PREFIX_LENGTH): "0" is out of range; use a whole number from 1 to 32',
    ],
    [
      "the minimum prefix is not a number",
      { minPrefixLength: "/16" },
      '--min-prefix-length (VRS_MIN_PREFIX_LENGTH): "/16" is not a whole number; use a whole number from 1 to 32',
    ],
    [
      "the IPv6 minimum is too long",
      { minPrefixLengthV6: "129" },
      '--min-prefix-length-v6 (VRS_MIN_PREFIX_LENGTH_V6): "129" is out of range; use a whole number from 1 to 128',
    ],
    [
      "a cluster CIDR is malformed",
      { clusterCidrs: "10.96.0.0" },
      '--cluster-cidrs (VRS_CLUSTER_CIDRS): "10.96.0.0" is not a CIDR (expected address/prefix, e.g. 10.8.0.0/24); did you mean 10.96.0.0/32?',
    ],
    [
      "a switch is not a boolean",
      { adoptExistingRoutes: "maybe" },
      '--adopt-existing-routes (VRS_ADOPT_EXISTING_ROUTES): "maybe" is not a boolean; use true or false',
    ],
    [
      "the resync interval is not a duration",
      { resyncInterval: "1 minute" },
      '--resync-interval (VRS_RESYNC_INTERVAL): "1 minute" is not a duration; write e.g. 60s, 2m, 500ms or 1m30s',
    ],
    [
      "the resync interval is zero",
      { resyncInterval: "0" },
      '--resync-interval (VRS_RESYNC_INTERVAL): "0" is too short; use at least 100ms',
    ],
    [
      "the write rate exceeds AWS's limit",
      { writesPerSecond: "6" },
      '--writes-per-second (VRS_WRITES_PER_SECOND): "6" is out of range; use a number greater than 0 and at most 5',
    ],
    [
      "the write rate is zero",
      { writesPerSecond: "0" },
      '--writes-per-second (VRS_WRITES_PER_SECOND): "0" is out of range; use a number greater than 0 and at most 5',
    ],
    [
      "the write rate is negative",
      { writesPerSecond: "-1" },
      '--writes-per-second (VRS_WRITES_PER_SECOND): "-1" is not a number; use a number greater than 0 and at most 5',
    ],
    [
      "the write burst exceeds AWS's own burst",
      { writeBurst: "100" },
      '--write-burst (VRS_WRITE_BURST): "100" is out of range; use a whole number from 1 to 50 (AWS refuses more than 50 route writes at once per account and region)',
    ],
    [
      "the write burst is zero",
      { writeBurst: "0" },
      '--write-burst (VRS_WRITE_BURST): "0" is out of range; use a whole number from 1 to 50',
    ],
    [
      "the write burst is fractional",
      { writeBurst: "2.5" },
      '--write-burst (VRS_WRITE_BURST): "2.5" is not a whole number; use a whole number from 1 to 50',
    ],
    [
      "the CIDR limit is zero",
      { maxCidrsPerService: "0" },
      '--max-cidrs-per-service (VRS_MAX_CIDRS_PER_SERVICE): "0" is out of range; use a whole number from 1 to 256',
    ],
    [
      "the listen address has no port",
      { httpAddress: "0.0.0.0" },
      '--http-address (VRS_HTTP_ADDRESS): "0.0.0.0" is not host:port; e.g. 0.0.0.0:8080, [::]:8080 or 127.0.0.1:0',
    ],
    [
      "the listen port is too large",
      { httpAddress: "0.0.0.0:65536" },
      '--http-address (VRS_HTTP_ADDRESS): "0.0.0.0:65536" has an invalid port; use 0 to 65535 (0 picks a free port), e.g. 0.0.0.0:8080, [::]:8080 or 127.0.0.1:0',
    ],
    [
      "an IPv6 listen address lacks brackets",
      { httpAddress: "::1:8080" },
      '--http-address (VRS_HTTP_ADDRESS): "::1:8080" is not host:port; e.g. 0.0.0.0:8080, [::]:8080 or 127.0.0.1:0',
    ],
    [
      "the log level is unknown",
      { logLevel: "verbose" },
      '--log-level (VRS_LOG_LEVEL): "verbose" is not one of trace, debug, info, warn, error, fatal, silent; use one of those',
    ],
    [
      "the log level is upper case",
      { logLevel: "DEBUG" },
      '--log-level (VRS_LOG_LEVEL): "DEBUG" is not one of trace, debug, info, warn, error, fatal, silent (did you mean debug?); use one of those',
    ],
  ] satisfies [string, Record<string, unknown>, string][])(
    "explains when %s",
    (_, options, expected) => {
      const problems = problemsOf(() => load({ ...base, ...options }));
      expect(problems.some((line) => line.includes(expected))).toBe(true);
    },
  );

  it("names the environment variable when the value came from it", () => {
    expect(problemsOf(() => load(base, { VRS_WRITES_PER_SECOND: "9" }))).toEqual([
      '--writes-per-second (VRS_WRITES_PER_SECOND): "9" is out of range; use a number greater than 0 and at most 5',
    ]);
  });

  it("names VRS_WRITE_BURST when the burst came from it", () => {
    expect(problemsOf(() => load(base, { VRS_WRITE_BURST: "500" }))).toEqual([
      '--write-burst (VRS_WRITE_BURST): "500" is out of range; use a whole number from 1 to 50 (AWS refuses more than 50 route writes at once per account and region)',
    ]);
    expect(load(base, { VRS_WRITE_BURST: "30" }).writeBurst).toBe(30);
  });

  it("reports every problem at once, each on its own line", () => {
    const problems = problemsOf(() =>
      load({
        provider: "openstack",
        clusterId: "Prod",
        allowedCidrs: "10.8.0.1/24, 0.0.0.0/0",
        allowedNamespaces: "*,vpn",
        writesPerSecond: "10",
        resyncInterval: "soon",
        httpAddress: "nope",
      }),
    );
    expect(problems).toHaveLength(8);
    for (const line of problems) expect(line).toMatch(/^--[a-z-]+ \(VRS_[A-Z_]+[,)]/);
  });

  it("still cross-checks the good entries of a list that has a bad one", () => {
    const problems = problemsOf(() =>
      load({ ...base, allowedCidrs: "10.8.0.1/24, 10.96.0.0/16", clusterCidrs: "10.96.0.0/12" }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[1]).toContain("10.96.0.0/16 lies inside the cluster CIDR 10.96.0.0/12");
  });

  it("accepts an allowlist broader than the minimum prefix, which bounds requests, not the allowlist", () => {
    expect(
      load({ ...base, allowedCidrs: "10.0.0.0/8", clusterCidrs: "10.244.0.0/16" }).allowedCidrs.map(
        (c) => c.text,
      ),
    ).toEqual(["10.0.0.0/8"]);
  });

  it("throws a ConfigError that is not retryable", () => {
    try {
      load({});
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe("CONFIG");
      expect((error as ConfigError).retryable).toBe(false);
      return;
    }
    throw new Error("expected a ConfigError");
  });
});
