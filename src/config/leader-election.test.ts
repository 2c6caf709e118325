import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { serviceAccountNamespaceFile } from "./defaults.js";
import { loadConfig } from "./load.js";

const base = {
  provider: "aws",
  clusterId: "prod-1",
  allowedCidrs: "10.8.0.0/16",
  allowedNamespaces: "vpn",
  awsRouteTableIds: "rtb-0a1b2c3d",
};

function leaderElection(
  options: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  files: Record<string, string> = {},
) {
  return loadConfig({
    options: { ...base, ...options },
    env,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    hostname: () => "host-a",
    randomHex: () => "0badc0de",
  }).leaderElection;
}

function problemsOf(options: Record<string, unknown>): string[] {
  try {
    leaderElection(options);
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

describe("leader election settings", () => {
  it("defaults to client-go's timings, on, with a unique identity", () => {
    expect(leaderElection({})).toEqual({
      enabled: true,
      namespace: "kube-system",
      leaseName: "vpc-route-sync",
      identity: "host-a_0badc0de",
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
  });

  it.each([
    ["POD_NAMESPACE", { POD_NAMESPACE: "vpn-system" }, {}, "vpn-system"],
    [
      "the mounted service-account namespace",
      {},
      { [serviceAccountNamespaceFile]: "routing\n" },
      "routing",
    ],
    [
      "POD_NAMESPACE before the mounted file",
      { POD_NAMESPACE: "vpn-system" },
      { [serviceAccountNamespaceFile]: "routing" },
      "vpn-system",
    ],
    ["kube-system when neither is available", {}, {}, "kube-system"],
  ])("takes the namespace from %s", (_, env, files, expected) => {
    expect(leaderElection({}, env, files).namespace).toBe(expected);
  });

  it("builds the identity from POD_NAME and a random suffix", () => {
    expect(leaderElection({}, { POD_NAME: "vrs-7d9f-abcde" }).identity).toBe(
      "vrs-7d9f-abcde_0badc0de",
    );
  });

  it("uses an explicit identity as it is", () => {
    expect(leaderElection({ leaderElectIdentity: "replica-a" }).identity).toBe("replica-a");
  });

  it("reads every flag", () => {
    expect(
      leaderElection({
        leaderElect: "false",
        leaderElectNamespace: "vpn",
        leaderElectLeaseName: "vrs.lock",
        leaderElectLeaseDuration: "30s",
        leaderElectRenewDeadline: "20s",
        leaderElectRetryPeriod: "5s",
      }),
    ).toMatchObject({
      enabled: false,
      namespace: "vpn",
      leaseName: "vrs.lock",
      leaseDurationMs: 30_000,
      renewDeadlineMs: 20_000,
      retryPeriodMs: 5_000,
    });
  });

  it.each([
    [
      "the lease does not outlive the renew deadline",
      { leaderElectLeaseDuration: "10s" },
      "--leader-elect-lease-duration (VRS_LEADER_ELECT_LEASE_DURATION): the lease duration 10s must be longer than the renew deadline 10s; raise the lease duration or lower --leader-elect-renew-deadline",
    ],
    [
      "the renew deadline leaves no room for a jittered retry",
      { leaderElectRenewDeadline: "2400ms" },
      "--leader-elect-renew-deadline (VRS_LEADER_ELECT_RENEW_DEADLINE): the renew deadline 2400ms must be longer than 1.2 x the retry period 2s (2400ms); raise it or lower --leader-elect-retry-period",
    ],
    [
      "a default is what conflicts",
      { leaderElectRetryPeriod: "9s" },
      "--leader-elect-renew-deadline (VRS_LEADER_ELECT_RENEW_DEADLINE) (default 10s): the renew deadline 10s must be longer than 1.2 x the retry period 9s",
    ],
    [
      "a duration is zero",
      { leaderElectRetryPeriod: "0s" },
      '--leader-elect-retry-period (VRS_LEADER_ELECT_RETRY_PERIOD): "0s" is too short; use at least 1ms',
    ],
    [
      "the namespace is not a DNS label",
      { leaderElectNamespace: "Kube_System" },
      '--leader-elect-namespace (VRS_LEADER_ELECT_NAMESPACE): "Kube_System" is not a namespace name; use a DNS-1123 label such as vpn',
    ],
    [
      "the lease name is not a DNS subdomain",
      { leaderElectLeaseName: "vrs lock" },
      `--leader-elect-lease-name (VRS_LEADER_ELECT_LEASE_NAME): "vrs lock" is not a valid Lease name; use lower-case letters, digits, '-' and '.'`,
    ],
    [
      "the identity has spaces",
      { leaderElectIdentity: "replica a" },
      '--leader-elect-identity (VRS_LEADER_ELECT_IDENTITY): "replica a" is not a valid identity; use up to 128 printable ASCII characters without spaces',
    ],
    [
      "the switch is not a boolean",
      { leaderElect: "sometimes" },
      '--leader-elect (VRS_LEADER_ELECT): "sometimes" is not a boolean; use true or false',
    ],
  ])("explains when %s", (_, options, expected) => {
    expect(problemsOf(options).some((line) => line.includes(expected))).toBe(true);
  });

  it("does not add a timing problem on top of an invalid duration", () => {
    expect(
      problemsOf({ leaderElectRenewDeadline: "soon", leaderElectLeaseDuration: "5s" }),
    ).toEqual([
      '--leader-elect-renew-deadline (VRS_LEADER_ELECT_RENEW_DEADLINE): "soon" is not a duration; write e.g. 60s, 2m, 500ms or 1m30s',
    ]);
  });
});
