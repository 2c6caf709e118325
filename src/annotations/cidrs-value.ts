import { type Cidr, parseCidr } from "../domain/cidr.js";
import { cidrsAnnotation } from "./keys.js";
import {
  capEntryErrors,
  checkRawValue,
  codePointName,
  findNonAscii,
  quote,
  splitList,
} from "./text.js";

/** Parsed `vpc-route-sync.io/cidrs`: the CIDRs when every entry is valid, else every problem. */
export type CidrsValue = { ok: true; cidrs: Cidr[] } | { ok: false; errors: string[] };

const key = cidrsAnnotation;
const example = "10.8.0.0/24, 10.9.0.0/24";

/** A hint for list syntaxes from other languages, which people paste in good faith. */
function formatHint(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    return `annotation ${key}: looks like JSON; write a plain comma-separated list such as ${example}`;
  }
  if (/^\s*- /.test(value)) {
    return `annotation ${key}: looks like a YAML list; write a plain comma-separated list such as ${example}`;
  }
  return undefined;
}

/** One entry: ASCII only, then strict canonical parsing; the message names the fix. */
function parseEntry(entry: string): { ok: true; cidr: Cidr } | { ok: false; error: string } {
  const nonAscii = findNonAscii(entry);
  if (nonAscii !== undefined) {
    return {
      ok: false,
      error: `annotation ${key}: ${quote(entry)} contains the non-ASCII character ${codePointName(nonAscii)}; write CIDRs with ASCII digits, such as 10.8.0.0/24`,
    };
  }
  const parsed = parseCidr(entry);
  return parsed.ok ? parsed : { ok: false, error: `annotation ${key}: ${parsed.error}` };
}

/**
 * Parses the list of networks a Service requests. Syntax only: canonical CIDRs, no duplicates, at
 * most `maxCidrs` of them. Whether they are allowed is the policy's decision, not the parser's.
 */
export function parseCidrsValue(value: string, maxCidrs: number): CidrsValue {
  const rawProblem = checkRawValue(value);
  if (rawProblem !== undefined) return { ok: false, errors: [`annotation ${key}: ${rawProblem}`] };
  const entries = splitList(value);
  if (entries.length === 0) {
    return {
      ok: false,
      errors: [
        `annotation ${key}: is empty; list at least one network such as ${example}, or remove the annotation`,
      ],
    };
  }
  const errors: string[] = [];
  const hint = formatHint(value);
  if (hint !== undefined) errors.push(hint);
  if (entries.length > maxCidrs) {
    errors.push(
      `annotation ${key}: lists ${entries.length} networks but at most ${maxCidrs} are allowed per Service; merge adjacent networks or split them across Services`,
    );
  }
  const entryErrors: string[] = [];
  const cidrs: Cidr[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (!parsed.ok) {
      entryErrors.push(parsed.error);
    } else if (seen.has(parsed.cidr.text)) {
      entryErrors.push(
        `annotation ${key}: ${parsed.cidr.text} is listed twice; remove the duplicate`,
      );
    } else {
      seen.add(parsed.cidr.text);
      cidrs.push(parsed.cidr);
    }
  }
  errors.push(...capEntryErrors(key, entryErrors));
  return errors.length === 0 ? { ok: true, cidrs } : { ok: false, errors };
}
