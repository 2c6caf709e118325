/**
 * Parsers for single setting values. Each setting can arrive as text (a flag or an environment
 * variable) or as a typed value from the config file; one parser handles both, so a setting means
 * the same thing wherever it is written. Errors name the input and the fix but not the setting:
 * the caller prefixes where the value came from.
 */

/**
 * A parsed value, or every reason it was refused. A refused list keeps its good entries in
 * `partial`, so cross-checks (overlaps, minimum prefix) still report on them in the same run.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: string[]; partial?: T };

/** Reads one setting from text or from the config file. */
export interface ValueParser<T> {
  /** Text from a flag or environment variable, trimmed and never empty. */
  fromText(text: string): Parsed<T>;
  /** A config-file value of unchecked type, never null or undefined. */
  fromFile(value: unknown): Parsed<T>;
}

/** Success. */
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

/** Failure with one or more messages. */
export const fail = (...errors: string[]): Parsed<never> => ({ ok: false, errors });

/** User text in quotes, bounded, with control characters escaped. */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/** How a message names the type of a config-file value that has the wrong one. */
export function describeType(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "a mapping";
  return `the ${typeof value} ${typeof value === "string" ? show(value) : String(value)}`;
}

/** Any string, optionally checked by `check`, which returns a message when the value is bad. */
export function stringValue(check?: (text: string) => string | undefined): ValueParser<string> {
  const fromText = (text: string): Parsed<string> => {
    const problem = check?.(text);
    return problem === undefined ? ok(text) : fail(problem);
  };
  return {
    fromText,
    fromFile: (value) =>
      typeof value === "string"
        ? fromText(value.trim())
        : fail(`expected a string, got ${describeType(value)}`),
  };
}

/** One of a closed set of words, matched exactly (after trimming), with a "did you mean". */
export function oneOf<T extends string>(choices: readonly T[]): ValueParser<T> {
  const fromText = (text: string): Parsed<T> => {
    const match = choices.find((choice) => choice === text);
    if (match !== undefined) return ok(match);
    const folded = choices.find((choice) => choice === text.toLowerCase());
    const hint = folded === undefined ? "" : ` (did you mean ${folded}?)`;
    return fail(`${show(text)} is not one of ${choices.join(", ")}${hint}; use one of those`);
  };
  return {
    fromText,
    fromFile: (value) =>
      typeof value === "string"
        ? fromText(value.trim())
        : fail(`expected one of ${choices.join(", ")}, got ${describeType(value)}`),
  };
}

/** A whole number within [min, max]. */
export function integer(min: number, max: number): ValueParser<number> {
  const inRange = (value: number, shown: string): Parsed<number> =>
    Number.isSafeInteger(value) && value >= min && value <= max
      ? ok(value)
      : fail(`${shown} is out of range; use a whole number from ${min} to ${max}`);
  return {
    fromText: (text) =>
      /^-?\d+$/.test(text)
        ? inRange(Number(text), show(text))
        : fail(`${show(text)} is not a whole number; use a whole number from ${min} to ${max}`),
    fromFile: (value) =>
      typeof value === "number" && Number.isInteger(value)
        ? inRange(value, String(value))
        : fail(`expected a whole number from ${min} to ${max}, got ${describeType(value)}`),
  };
}

/** A number greater than `above` and at most `max` (fractions allowed, e.g. 0.5 writes/s). */
export function decimal(above: number, max: number): ValueParser<number> {
  const inRange = (value: number, shown: string): Parsed<number> =>
    Number.isFinite(value) && value > above && value <= max
      ? ok(value)
      : fail(`${shown} is out of range; use a number greater than ${above} and at most ${max}`);
  return {
    fromText: (text) =>
      /^\d+(\.\d+)?$|^\.\d+$/.test(text)
        ? inRange(Number(text), show(text))
        : fail(
            `${show(text)} is not a number; use a number greater than ${above} and at most ${max}`,
          ),
    fromFile: (value) =>
      typeof value === "number"
        ? inRange(value, String(value))
        : fail(`expected a number, got ${describeType(value)}`),
  };
}

/** `parser` with `why` added to every refusal, for limits whose reason is not obvious. */
export function explained<T>(parser: ValueParser<T>, why: string): ValueParser<T> {
  const add = (parsed: Parsed<T>): Parsed<T> =>
    parsed.ok ? parsed : { ...parsed, errors: parsed.errors.map((e) => `${e} (${why})`) };
  return {
    fromText: (text) => add(parser.fromText(text)),
    fromFile: (value) => add(parser.fromFile(value)),
  };
}

const trueWords = new Set(["true", "1", "yes"]);
const falseWords = new Set(["false", "0", "no"]);

/**
 * A switch. Text accepts true/false/1/0/yes/no in any case, because environment variables are
 * text: `VRS_ADOPT_EXISTING_ROUTES=false` must mean false, not "set, hence true".
 */
export const booleanValue: ValueParser<boolean> = {
  fromText: (text) => {
    const word = text.toLowerCase();
    if (trueWords.has(word)) return ok(true);
    if (falseWords.has(word)) return ok(false);
    return fail(`${show(text)} is not a boolean; use true or false`);
  },
  fromFile: (value) =>
    typeof value === "boolean"
      ? ok(value)
      : fail(`expected true or false, got ${describeType(value)}`),
};
