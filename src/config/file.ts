import { CORE_SCHEMA, load, YAMLException } from "js-yaml";
import { suggestClosest } from "../suggest.js";
import type { Problems } from "./problems.js";
import { envName, optionKey } from "./setting.js";
import { allSettings } from "./settings.js";
import { show } from "./values.js";

/** The settings found in a config file, by dotted key (`aws.region`); nulls are left out. */
export interface ConfigFile {
  readonly path: string;
  readonly values: ReadonlyMap<string, unknown>;
}

const leafKeys = new Set(
  allSettings.flatMap((setting) => (setting.file === undefined ? [] : [setting.file])),
);
const groupKeys = new Set(
  [...leafKeys].flatMap((key) =>
    key
      .split(".")
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join(".")),
  ),
);

/**
 * Names people write instead of the real key, mapped to it: the flag (`allowed-cidrs`), its
 * camelCase form (`awsRegion`) and its environment variable, so "did you mean" finds the key.
 */
const aliases = new Map<string, string>(
  allSettings.flatMap((setting) => {
    const key = setting.file;
    if (key === undefined) return [];
    return [key, setting.flag, optionKey(setting), envName(setting)].map(
      (alias) => [alias, key] as const,
    );
  }),
);

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKey(key: string): string {
  const near = suggestClosest(key, aliases.keys());
  const target = near === undefined ? undefined : aliases.get(near);
  return target === undefined
    ? `unknown key ${show(key)}; remove it (see --help for every setting and its config-file key)`
    : `unknown key ${show(key)}; did you mean ${target}?`;
}

function walk(
  node: Record<string, unknown>,
  prefix: string,
  out: Map<string, unknown>,
  report: (m: string) => void,
): void {
  for (const [name, value] of Object.entries(node)) {
    const key = prefix === "" ? name : `${prefix}.${name}`;
    if (leafKeys.has(key)) {
      if (value !== null && value !== undefined) out.set(key, value);
    } else if (groupKeys.has(key)) {
      if (isMapping(value)) walk(value, key, out, report);
      else if (value !== null)
        report(`${key} must be a mapping of settings, got ${describeKind(value)}`);
    } else {
      report(unknownKey(key));
    }
  }
}

/**
 * What a misplaced value is, without the value: a file in the wrong place (a kubeconfig, a key
 * pasted by mistake) must not be repeated into an error that lands in logs.
 */
function describeKind(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a mapping" : `a ${typeof value}`;
}

/**
 * Reads and checks the shape of a YAML or JSON config file (JSON is valid YAML). Uses the YAML
 * core schema, so `yes`, dates and custom tags stay plain strings or fail instead of turning into
 * surprising types. Returns undefined when the file is unusable; problems say why.
 */
export function readConfigFile(
  path: string,
  readFile: (path: string) => string,
  problems: Problems,
  label: string,
): ConfigFile | undefined {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.add(
      label,
      `cannot read ${show(path)} (${reason}); check the path and that the file is mounted`,
    );
    return undefined;
  }
  let document: unknown;
  try {
    document = load(text, { schema: CORE_SCHEMA, filename: path });
  } catch (error) {
    const where =
      error instanceof YAMLException ? ` at line ${error.mark.line + 1}: ${error.reason}` : "";
    problems.add(label, `${show(path)} is not valid YAML or JSON${where}; fix its syntax`);
    return undefined;
  }
  const values = new Map<string, unknown>();
  if (document === null || document === undefined) return { path, values };
  if (!isMapping(document)) {
    problems.add(
      label,
      `${show(path)} must hold a mapping of settings at the top level, got ${describeKind(document)}`,
    );
    return undefined;
  }
  walk(document, "", values, (message) => problems.add(`config file ${path}`, message));
  return { path, values };
}
