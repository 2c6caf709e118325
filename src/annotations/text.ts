/**
 * Checks shared by every annotation value. Annotation values are written by anyone who can edit a
 * Service, and they end up in Events, logs and `kubectl describe`, so they are bounded and screened
 * for characters that could forge output or hide what a value really says.
 */

/** Longest value read at all; beyond this nothing is parsed and nothing of it is echoed. */
export const maxValueLength = 4096;

/** Most per-entry errors reported for one annotation, so one bad value cannot flood Events. */
export const maxEntryErrors = 10;

/** Longest excerpt of user text quoted in a message. */
const maxQuoted = 80;

/** User text in double quotes with escapes, shortened to a bounded excerpt. */
export function quote(text: string): string {
  const shown = text.length > maxQuoted ? `${text.slice(0, maxQuoted)}...` : text;
  return JSON.stringify(shown);
}

/** `U+FF0F`: how a message names a character that may not display. */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Control and invisible formatting characters: C0 (except tab, CR, LF, which separate list
 * entries), DEL, C1, zero-width characters, bidirectional overrides, line/paragraph separators and
 * the byte-order mark. Any of them can make a value look different from what it is.
 */
function isForbidden(codePoint: number): boolean {
  if (codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d) return false;
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x2028 && codePoint <= 0x202e) ||
    (codePoint >= 0x2060 && codePoint <= 0x2069) ||
    codePoint === 0xfeff
  );
}

/**
 * The reason a raw value cannot even be split into entries (too long, or a forbidden character),
 * phrased as a fix; undefined when the value is safe to parse.
 */
export function checkRawValue(value: string): string | undefined {
  if (value.length > maxValueLength) {
    return `value is ${value.length} characters long; the limit is ${maxValueLength}, so shorten it`;
  }
  let index = 0;
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (isForbidden(codePoint)) {
      return `value contains the control character ${codePointName(codePoint)} at position ${index}; remove it`;
    }
    index += char.length;
  }
  return undefined;
}

/** Entries of a list separated by commas and/or ASCII whitespace; empty entries are dropped. */
export function splitList(value: string): string[] {
  return value.split(/[ \t\r\n,]+/).filter((entry) => entry !== "");
}

/** The first non-ASCII character of an entry (full-width digits, look-alike slashes, NBSP). */
export function findNonAscii(entry: string): number | undefined {
  for (const char of entry) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (codePoint > 0x7e) return codePoint;
  }
  return undefined;
}

/** Caps per-entry errors at `maxEntryErrors`, summarising the rest in one line. */
export function capEntryErrors(key: string, errors: readonly string[]): string[] {
  if (errors.length <= maxEntryErrors) return [...errors];
  const hidden = errors.length - maxEntryErrors;
  return [
    ...errors.slice(0, maxEntryErrors),
    `annotation ${key}: ${hidden} more invalid entries are not shown; fix the ones above first`,
  ];
}
