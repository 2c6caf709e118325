import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { defaults, defaultWriteBurst } from "./defaults.js";
import { readConfigFile } from "./file.js";
import { readLeaderElection } from "./leader-election.js";
import { readPolicyConfig } from "./policy-config.js";
import { createProblems, type Problems, toConfigError } from "./problems.js";
import { readProviderConfigs } from "./provider-config.js";
import { createReader, type SettingReader } from "./reader.js";
import { flagLabel } from "./setting.js";
import { settings } from "./settings.js";
import type { Config } from "./types.js";

/** Everything the loader reads; the last three are injectable so tests need no real host. */
export interface LoadConfigInput {
  /** Parsed commander options (`command.opts()`), keyed by camelCase flag name. */
  options: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  /** Reads the config file and the service-account namespace file; default: fs, UTF-8. */
  readFile?: (path: string) => string;
  /** Default: `os.hostname`. Used for the leader-election identity. */
  hostname?: () => string;
  /** 8 random hex characters for the identity suffix; default: `crypto.randomBytes`. */
  randomHex?: () => string;
}

/**
 * Reads `--config` first (it can itself come from a flag or its variable), then gives a reader
 * over flags, variables and that file, sharing one problem list: the start of every loader.
 */
export function openSources(input: LoadConfigInput): {
  readFile: (path: string) => string;
  problems: Problems;
  reader: SettingReader;
} {
  const readFile = input.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const problems = createProblems();
  const configPath = createReader(
    { options: input.options, env: input.env, file: undefined },
    problems,
  ).read(settings.config);
  const file =
    configPath === undefined
      ? undefined
      : readConfigFile(configPath.value, readFile, problems, flagLabel(settings.config));
  return {
    readFile,
    problems,
    reader: createReader({ options: input.options, env: input.env, file }, problems),
  };
}

/**
 * Turns flags, `VRS_` environment variables and the optional config file into a validated Config,
 * in that order of precedence over built-in defaults. Throws one ConfigError listing every
 * problem, each naming its flag and variable (or file key) and the fix, so a bad Helm value is
 * fixed in one round rather than one crash-loop per mistake.
 */
export function loadConfig(input: LoadConfigInput): Config {
  const { readFile, problems, reader } = openSources(input);

  const provider = reader.require(settings.provider, "set it to aws, gcp or azure")?.value;
  const clusterId = reader.require(
    settings.clusterId,
    "name this cluster, e.g. prod-eu-1, so its routes are never confused with another cluster's",
  )?.value;
  const policy = readPolicyConfig(reader, problems);
  const leaderElection = readLeaderElection(reader, problems, {
    env: input.env,
    readFile,
    hostname: input.hostname ?? hostname,
    randomHex: input.randomHex ?? (() => randomBytes(4).toString("hex")),
  });
  const clouds = readProviderConfigs(reader, problems, provider);
  const writesPerSecond = reader.read(settings.writesPerSecond)?.value ?? defaults.writesPerSecond;
  const config = {
    provider,
    clusterId,
    allowedCidrs: policy.allowedCidrs,
    allowedNamespaces: policy.allowedNamespaces,
    minPrefixLength: policy.minPrefixLength,
    clusterCidrs: policy.clusterCidrs,
    trustedEndpointSliceManagers: policy.trustedEndpointSliceManagers,
    adoptExistingRoutes:
      reader.read(settings.adoptExistingRoutes)?.value ?? defaults.adoptExistingRoutes,
    dryRun: reader.read(settings.dryRun)?.value ?? defaults.dryRun,
    resyncIntervalMs: reader.read(settings.resyncInterval)?.value ?? defaults.resyncIntervalMs,
    withdrawGraceMs: reader.read(settings.withdrawGrace)?.value ?? defaults.withdrawGraceMs,
    writesPerSecond,
    writeBurst: reader.read(settings.writeBurst)?.value ?? defaultWriteBurst(writesPerSecond),
    maxCidrsPerService:
      reader.read(settings.maxCidrsPerService)?.value ?? defaults.maxCidrsPerService,
    leaderElection,
    http: reader.read(settings.httpAddress)?.value ?? { ...defaults.http },
    kubeconfig: reader.read(settings.kubeconfig)?.value,
    log: {
      level: reader.read(settings.logLevel)?.value ?? defaults.logLevel,
      pretty: reader.read(settings.logPretty)?.value ?? defaults.logPretty,
    },
    ...clouds,
  };
  const { provider: p, clusterId: id, allowedCidrs, allowedNamespaces } = config;
  if (
    problems.lines.length > 0 ||
    p === undefined ||
    id === undefined ||
    allowedCidrs === undefined ||
    allowedNamespaces === undefined
  ) {
    throw toConfigError(problems);
  }
  return { ...config, provider: p, clusterId: id, allowedCidrs, allowedNamespaces };
}
