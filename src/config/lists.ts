import { type Cidr, parseCidr } from "../domain/cidr.js";
import { describeType, fail, ok, type Parsed, show, type ValueParser } from "./values.js";

/** Parses one list entry; `key` identifies duplicates. */
export interface ItemParser<T> {
  fromText(text: string): Parsed<T>;
  /** Config-file entries; defaults to `fromText` on strings. */
  fromFile?(value: unknown): Parsed<T>;
  key(item: T): string;
}

function itemFromFile<T>(item: ItemParser<T>, value: unknown): Parsed<T> {
  if (item.fromFile !== undefined) return item.fromFile(value);
  return typeof value === "string"
    ? item.fromText(value.trim())
    : fail(`expected a list of strings, got an entry that is ${describeType(value)}`);
}

function collect<T>(results: readonly Parsed<T>[], key: (item: T) => string): Parsed<T[]> {
  const errors: string[] = [];
  const items: T[] = [];
  const seen = new Set<string>();
  for (const result of results) {
    if (!result.ok) {
      errors.push(...result.errors);
    } else if (seen.has(key(result.value))) {
      errors.push(`${key(result.value)} is listed twice; remove the duplicate`);
    } else {
      seen.add(key(result.value));
      items.push(result.value);
    }
  }
  if (errors.length > 0) return { ok: false, errors, partial: items };
  if (items.length === 0) return fail("is empty; list at least one entry or leave it unset");
  return ok(items);
}

/**
 * A list: comma-separated in flags and environment variables, a YAML/JSON list in the file.
 * Every entry is checked and every bad one reported; duplicates are refused because they are
 * almost always a copy-paste slip that hides a missing entry.
 */
export function listOf<T>(item: ItemParser<T>): ValueParser<T[]> {
  return {
    fromText: (text) =>
      collect(
        text
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "")
          .map((entry) => item.fromText(entry)),
        item.key,
      ),
    fromFile: (value) =>
      Array.isArray(value)
        ? collect(
            value.map((entry: unknown) => itemFromFile(item, entry)),
            item.key,
          )
        : fail(`expected a list, got ${describeType(value)}; write it as a YAML or JSON list`),
  };
}

/** A string entry that must match `pattern`; `expected` says what a good one looks like. */
export function patternItem(pattern: RegExp, expected: string): ItemParser<string> {
  return {
    fromText: (text) => (pattern.test(text) ? ok(text) : fail(`${show(text)} is not ${expected}`)),
    key: (text) => text,
  };
}

/** A canonical CIDR; the domain parser's message already names the canonical form. */
export const cidrItem: ItemParser<Cidr> = {
  fromText: (text) => {
    const parsed = parseCidr(text);
    return parsed.ok ? ok(parsed.cidr) : fail(parsed.error);
  },
  key: (cidr) => cidr.text,
};

/** An AWS tag filter: `key=value` as text, `{ key, value }` in the file. AWS limits apply. */
export const tagItem: ItemParser<{ key: string; value: string }> = {
  fromText: (text) => {
    const equals = text.indexOf("=");
    if (equals < 0) {
      return fail(`${show(text)} is not key=value; write e.g. ${text}=true`);
    }
    return checkTag(text.slice(0, equals).trim(), text.slice(equals + 1).trim());
  },
  fromFile: (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return fail(`expected { key, value } entries, got ${describeType(value)}`);
    }
    const { key, value: tagValue, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      return fail(`unexpected field ${show(extra[0])} in a tag; use only key and value`);
    }
    if (typeof key !== "string" || typeof tagValue !== "string") {
      return fail("each tag needs a string key and a string value, e.g. { key: team, value: vpn }");
    }
    return checkTag(key.trim(), tagValue.trim());
  },
  key: (tag) => tag.key,
};

function checkTag(key: string, value: string): Parsed<{ key: string; value: string }> {
  if (key === "" || key.length > 128) {
    return fail(`tag key ${show(key)} must be 1 to 128 characters; write key=value`);
  }
  if (value.length > 256) return fail(`tag value for ${show(key)} is longer than 256 characters`);
  return ok({ key, value });
}
