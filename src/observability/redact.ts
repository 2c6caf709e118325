/**
 * Credential scrubbing for log lines. pino's own `redact` paths cannot express the shapes that
 * occur: keys in any case (`Authorization`, `authorization`), at any depth (an SDK error's
 * `config.headers`), and secrets inside strings (a URL's user info or `?access_token=`, an
 * `Authorization: Bearer ...` quoted in an error message). So every log object and message
 * passes through `redactValue` / `redactText` once, in the logger's formatter.
 */

/** What a removed value is replaced with. */
export const censor = "[redacted]";

/** Keys whose values are credentials, whatever their case and separator. */
const secretKey =
  /^(authorization|proxy-?authorization|cookie|set-?cookie|password|passwd|secret|client-?secret|(access|refresh|id|session|bearer|auth)?-?token|secret-?access-?key|x-?amz-?security-?token|api-?key|private-?key|credentials?)$/i;

/** Query parameters that carry credentials in URLs. */
const secretParameter =
  /([?&](?:access_token|refresh_token|id_token|token|code|client_secret|api_key|key|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s"']*/gi;

/** True for keys such as `token`, `sessionToken`, `client_secret`, `Authorization`. */
export function isSecretKey(key: string): boolean {
  return secretKey.test(key.replace(/_/g, "-").replace(/([a-z])([A-Z])/g, "$1-$2"));
}

/** Removes credentials from free text: URL user info, secret query parameters, bearer tokens. */
export function redactText(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s"']*@/gi, `$1${censor}@`)
    .replace(secretParameter, `$1${censor}`)
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${censor}`);
}

const maxDepth = 10;

/**
 * A copy of `value` with credential-named keys censored and every string passed through
 * `redactText`. Errors stay Errors of the same class (so loggers still report their type) with
 * their message, stack, cause and own fields scrubbed; cycles and very deep nesting are cut
 * rather than followed.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value) || depth >= maxDepth) return "[cut]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const keys = Object.keys(value);
  const out: Record<string, unknown> =
    value instanceof Error ? Object.create(Object.getPrototypeOf(value)) : {};
  if (value instanceof Error)
    keys.push("message", "stack", ...(value.cause === undefined ? [] : ["cause"]));
  for (const key of new Set(keys)) {
    const item: unknown = Reflect.get(value, key);
    out[key] = isSecretKey(key) ? censor : redactValue(item, depth + 1, seen);
  }
  return out;
}
