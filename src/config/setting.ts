import type { ValueParser } from "./values.js";

/** Headings under which `--help` groups the options. */
export type SettingGroup =
  | "General"
  | "Policy"
  | "Reconcile"
  | "Leader election"
  | "HTTP and logging"
  | "AWS"
  | "GCP"
  | "Azure"
  | "Agent";

/** The subcommands that take configuration options. */
export type ConfigCommand = "controller" | "plan" | "agent";

/**
 * One configurable setting, described once: its flag, environment variable, config-file key, help
 * and parser. The commander options, the loader and the error labels are all derived from this,
 * so they cannot drift apart.
 */
export interface Setting<T> {
  /** Flag name without dashes, e.g. `allowed-cidrs`; the env var is `VRS_ALLOWED_CIDRS`. */
  readonly flag: string;
  /** Dotted config-file path, e.g. `aws.routeTableIds`; undefined for flag/env-only settings. */
  readonly file: string | undefined;
  /** Value placeholder in help, e.g. `<cidrs>`; `[bool]` marks a switch. */
  readonly placeholder: string;
  readonly group: SettingGroup;
  /** What it is, its default and why it matters. */
  readonly help: string;
  readonly parser: ValueParser<T>;
  /** Conventional variables of other tools, read below the config file (e.g. `KUBECONFIG`). */
  readonly ambientEnv?: readonly string[];
  /** Also offer `--no-<flag>`. */
  readonly negatable?: boolean;
  /** Only meaningful for the `controller` subcommand. */
  readonly controllerOnly?: boolean;
  /** Only for these subcommands (the agent's own settings); undefined: controller and plan. */
  readonly commands?: readonly ConfigCommand[];
}

/** Identity function that lets TypeScript infer `T` for each setting in a table. */
export function defineSetting<T>(setting: Setting<T>): Setting<T> {
  return setting;
}

/** `VRS_` plus the flag in upper snake case: `--allowed-cidrs` -> `VRS_ALLOWED_CIDRS`. */
export function envName(setting: Pick<Setting<unknown>, "flag">): string {
  return `VRS_${setting.flag.toUpperCase().replace(/-/g, "_")}`;
}

/** The key commander stores the option under: `--allowed-cidrs` -> `allowedCidrs`. */
export function optionKey(setting: Pick<Setting<unknown>, "flag">): string {
  return setting.flag.replace(/-([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

/** How problems name a value that came from a flag or its environment variable. */
export function flagLabel(setting: Setting<unknown>): string {
  return `--${setting.flag} (${envName(setting)})`;
}

/** How problems name a setting that is not set anywhere: every place it could be set. */
export function unsetLabel(setting: Setting<unknown>): string {
  const file = setting.file === undefined ? "" : `, or ${setting.file} in the config file`;
  return `--${setting.flag} (${envName(setting)}${file})`;
}

/** Help text of a switch: what it does and its default. */
export function switchHelp(what: string, fallback: boolean): string {
  return `${what} Default: ${fallback}.`;
}
