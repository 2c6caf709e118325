import type { ConfigFile } from "./file.js";
import type { Problems } from "./problems.js";
import { envName, flagLabel, optionKey, type Setting, unsetLabel } from "./setting.js";
import type { Parsed } from "./values.js";

/** A setting's value and the label that names where it came from, for later cross-checks. */
export interface Found<T> {
  readonly value: T;
  readonly label: string;
}

/** Reads settings by precedence and records a problem for every bad value it meets. */
export interface SettingReader {
  /** The highest-precedence value, or undefined when unset or invalid (then a problem is recorded). */
  read<T>(setting: Setting<T>): Found<T> | undefined;
  /** Like `read`, and records "is required" when the setting is unset everywhere. */
  require<T>(setting: Setting<T>, fix: string): Found<T> | undefined;
  /** The good part of an invalid list, for cross-checks; its problems are already recorded. */
  partial<T>(setting: Setting<T>): Found<T> | undefined;
  /** True when any source sets it, valid or not; tells "invalid" apart from "unset". */
  isSet(setting: Setting<unknown>): boolean;
}

/** Where settings come from; the loader's input. */
export interface Sources {
  readonly options: Record<string, unknown>;
  readonly env: NodeJS.ProcessEnv;
  readonly file: ConfigFile | undefined;
}

type Raw = { kind: "text"; text: string } | { kind: "typed"; value: unknown };

/** Empty text is "unset": Helm and shell templates often render `VRS_X=""` for absent values. */
function text(value: string | undefined): Raw | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : { kind: "text", text: trimmed };
}

/** Commander gives strings, or booleans for bare switches (`--dry-run`, `--no-leader-elect`). */
function fromOption(value: unknown): Raw | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? text(value) : { kind: "typed", value };
}

/**
 * Precedence, highest first: flag, its `VRS_` environment variable, the config file, then
 * conventional variables of other tools (`KUBECONFIG`, `NODE_NAME`), which the platform often
 * injects and which must not override what the admin wrote in the file. Defaults come last, in
 * the loader. Commander already folds `VRS_` variables into the options; reading them here too
 * keeps `loadConfig` complete on its own and changes nothing when both agree.
 */
export function createReader(sources: Sources, problems: Problems): SettingReader {
  function locate(setting: Setting<unknown>): { raw: Raw; label: string } | undefined {
    const option = fromOption(sources.options[optionKey(setting)]);
    if (option !== undefined) return { raw: option, label: flagLabel(setting) };
    const env = text(sources.env[envName(setting)]);
    if (env !== undefined) return { raw: env, label: flagLabel(setting) };
    const file = sources.file;
    if (file !== undefined && setting.file !== undefined && file.values.has(setting.file)) {
      const raw: Raw = { kind: "typed", value: file.values.get(setting.file) };
      return { raw, label: `${setting.file} (config file ${file.path})` };
    }
    for (const name of setting.ambientEnv ?? []) {
      const ambient = text(sources.env[name]);
      if (ambient !== undefined)
        return { raw: ambient, label: `${name} (used for --${setting.flag})` };
    }
    return undefined;
  }

  const cache = new Map<Setting<unknown>, Found<unknown> | undefined>();
  const partials = new Map<Setting<unknown>, Found<unknown>>();

  /** Memoised, so reading a setting twice never records its problems twice. */
  function read<T>(setting: Setting<T>): Found<T> | undefined {
    if (cache.has(setting)) return cache.get(setting) as Found<T> | undefined;
    const found = parse(setting);
    cache.set(setting, found);
    return found;
  }

  function parse<T>(setting: Setting<T>): Found<T> | undefined {
    const located = locate(setting);
    if (located === undefined) return undefined;
    const { raw, label } = located;
    const parsed: Parsed<T> =
      raw.kind === "text" ? setting.parser.fromText(raw.text) : setting.parser.fromFile(raw.value);
    if (!parsed.ok) {
      for (const error of parsed.errors) problems.add(label, error);
      if (parsed.partial !== undefined) partials.set(setting, { value: parsed.partial, label });
      return undefined;
    }
    return { value: parsed.value, label };
  }

  return {
    read,
    partial: <T>(setting: Setting<T>) => {
      read(setting);
      return partials.get(setting) as Found<T> | undefined;
    },
    isSet: (setting) => locate(setting) !== undefined,
    require: (setting, fix) => {
      if (locate(setting) === undefined) {
        problems.add(unsetLabel(setting), `is required; ${fix}`);
        return undefined;
      }
      return read(setting);
    },
  };
}
