import { describeType, fail, ok, type Parsed, show, type ValueParser } from "./values.js";

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const durationPattern = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const partPattern = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const examples = "e.g. 60s, 2m, 500ms or 1m30s";

/**
 * Parses a duration the way operators write them for Kubernetes components (`60s`, `2m`,
 * `500ms`, `1m30s`), or plain seconds (`60`). Result in whole milliseconds.
 */
export function parseDuration(
  text: string,
): { ok: true; ms: number } | { ok: false; error: string } {
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (durationPattern.test(text)) {
    ms = 0;
    for (const [, amount, unit] of text.matchAll(partPattern)) {
      ms += Number(amount) * (unitMs[unit ?? ""] ?? Number.NaN);
    }
  } else {
    return { ok: false, error: `${show(text)} is not a duration; write ${examples}` };
  }
  const rounded = Math.round(ms);
  if (Math.abs(ms - rounded) > 1e-6 || !Number.isSafeInteger(rounded)) {
    return {
      ok: false,
      error: `${show(text)} is not a whole number of milliseconds; write ${examples}`,
    };
  }
  return { ok: true, ms: rounded };
}

/** Shortest exact spelling of a duration, for defaults in help text and limits in messages. */
export function formatDuration(ms: number): string {
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * A duration within [minMs, maxMs]. In the config file (keys ending in `Ms`) it is a number of
 * milliseconds or a string with a unit; a unitless string there is refused as ambiguous.
 */
export function durationValue(minMs: number, maxMs: number): ValueParser<number> {
  const inRange = (ms: number, shown: string): Parsed<number> => {
    if (ms < minMs) return fail(`${shown} is too short; use at least ${formatDuration(minMs)}`);
    if (ms > maxMs) return fail(`${shown} is too long; use at most ${formatDuration(maxMs)}`);
    return ok(ms);
  };
  const fromText = (text: string): Parsed<number> => {
    const parsed = parseDuration(text);
    return parsed.ok ? inRange(parsed.ms, show(text)) : fail(parsed.error);
  };
  return {
    fromText,
    fromFile: (value) => {
      if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
        return inRange(value, `${value}ms`);
      }
      if (typeof value === "string" && durationPattern.test(value.trim())) {
        return fromText(value.trim());
      }
      return fail(
        `expected milliseconds as a whole number or a duration with a unit (${examples}), got ${describeType(value)}`,
      );
    },
  };
}
