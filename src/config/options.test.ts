import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "./load.js";
import { addConfigOptions } from "./options.js";
import { envName } from "./setting.js";
import { allSettings } from "./settings.js";

const required = [
  "--provider",
  "aws",
  "--cluster-id",
  "prod-1",
  "--allowed-cidrs",
  "10.8.0.0/16",
  "--allowed-namespaces",
  "vpn",
  "--aws-route-table-ids",
  "rtb-0a1b2c3d",
];

function parse(argv: string[], mode: "controller" | "plan" | "agent" = "controller") {
  const command = addConfigOptions(new Command("vpc-route-sync").exitOverride(), mode);
  command.parse(argv, { from: "user" });
  return command;
}

function load(argv: string[]) {
  return loadConfig({
    options: parse(argv).opts(),
    env: process.env,
    readFile: () => {
      throw new Error("ENOENT");
    },
    hostname: () => "host-a",
    randomHex: () => "0badc0de",
  });
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("addConfigOptions", () => {
  it("sets no commander defaults, so unset options stay distinguishable", () => {
    expect(parse([]).opts()).toEqual({});
  });

  it("gives every setting a distinct flag and environment variable", () => {
    const flags = allSettings.map((s) => s.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(allSettings.map(envName)).size).toBe(flags.length);
  });

  it("documents each option with its environment variable and config-file key", () => {
    const help = parse([]).helpInformation({ error: false });
    const agentHelp = parse([], "agent").helpInformation({ error: false });
    for (const setting of allSettings) {
      if (setting.commands?.includes("agent")) {
        expect(agentHelp).toContain(`--${setting.flag}`);
        expect(help).not.toContain(`--${setting.flag}`);
        continue;
      }
      expect(help).toContain(`--${setting.flag}`);
      expect(help).toContain(`(env: ${envName(setting)})`);
      if (setting.file !== undefined) expect(help).toContain(`Config file: ${setting.file}.`);
    }
    expect(help).toContain("--no-leader-elect");
    expect(help).toContain("AWS options:");
  });

  it("gives the agent only the settings it reads", () => {
    const agentHelp = parse([], "agent").helpInformation({ error: false });
    for (const flag of ["--node-name", "--agent-mode", "--allowed-cidrs", "--resync-interval"]) {
      expect(agentHelp).toContain(flag);
    }
    for (const flag of [
      "--provider",
      "--cluster-id",
      "--dry-run",
      "--leader-elect",
      "--aws-region",
    ]) {
      expect(agentHelp).not.toContain(`${flag} `);
    }
  });

  it("offers --dry-run to the controller only", () => {
    expect(parse([], "controller").helpInformation()).toContain("--dry-run");
    expect(parse([], "plan").helpInformation()).not.toContain("--dry-run");
  });

  it.each([
    ["a bare switch", ["--dry-run"], true],
    ["a switch set to false", ["--dry-run=false"], false],
    ["a switch followed by its value", ["--dry-run", "true"], true],
  ])("reads %s", (_, argv, expected) => {
    expect(load([...required, ...argv]).dryRun).toBe(expected);
  });

  it("turns leader election off with --no-leader-elect", () => {
    expect(load([...required, "--no-leader-elect"]).leaderElection.enabled).toBe(false);
  });

  it("reads VRS_ variables through commander, with false meaning false", () => {
    vi.stubEnv("VRS_ADOPT_EXISTING_ROUTES", "false");
    vi.stubEnv("VRS_RESYNC_INTERVAL", "15s");
    const config = load(required);
    expect(config.adoptExistingRoutes).toBe(false);
    expect(config.resyncIntervalMs).toBe(15_000);
  });

  it("lets a flag beat its environment variable", () => {
    vi.stubEnv("VRS_LOG_LEVEL", "warn");
    expect(load([...required, "--log-level", "debug"]).log.level).toBe("debug");
  });

  it("leaves invalid values to the loader, which reports them all", () => {
    expect(() =>
      load(["--provider", "aws", "--writes-per-second", "9", "--log-level", "loud"]),
    ).toThrow(
      /--writes-per-second \(VRS_WRITES_PER_SECOND\): "9" is out of range[\s\S]*--log-level \(VRS_LOG_LEVEL\): "loud"/,
    );
  });
});
