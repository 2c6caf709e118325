/**
 * The `filter` query parameter of Compute Engine list methods, for the two syntaxes the v1
 * reference describes (ListRoutesRequest.filter): AIP-160 comparisons
 * `(field = value) (other != "x") OR ...` with `=`, `!=`, `<`, `>`, `<=`, `>=`, `:` (and `:*` for
 * presence), nested fields `a.b`, explicit AND / OR (OR binds tighter, as in AIP-160); and the
 * legacy regular-expression form `field eq 'regex'` / `field ne regex`, where the literal must
 * match the whole field. The two cannot be mixed. Anything else is a 400 `invalid`.
 */
import { invalidField } from "./google-errors.js";
import { isRecord } from "./http-io.js";

/** A compiled filter: true when the JSON resource should be listed. */
export type ResourcePredicate = (resource: Record<string, unknown>) => boolean;

type Node =
  | { kind: "cmp"; field: string; op: string; value: string }
  | { kind: "and" | "or"; parts: Node[] };

const tokenPattern =
  /\s*(\(|\)|!=|<=|>=|=|<|>|:|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s()=!<>:]+)/y;
const operators = new Set(["=", "!=", "<", ">", "<=", ">=", ":", "eq", "ne"]);

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < text.length) {
    if (text.slice(tokenPattern.lastIndex).trim() === "") break;
    const match = tokenPattern.exec(text);
    if (!match?.[1]) throw new Error("unexpected character");
    tokens.push(match[1]);
  }
  return tokens;
}

function unquote(token: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(token);
  return quoted?.[2] !== undefined ? quoted[2].replace(/\\(.)/g, "$1") : token;
}

function parse(tokens: string[]): Node {
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const next = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new Error("unexpected end");
    return token;
  };
  const factor = (): Node => {
    if (peek() === "(") {
      next();
      const inner = conjunction();
      if (next() !== ")") throw new Error("missing )");
      return inner;
    }
    const field = next();
    const op = next();
    if (!operators.has(op)) throw new Error(`bad operator ${op}`);
    return { kind: "cmp", field, op, value: unquote(next()) };
  };
  const disjunction = (): Node => {
    const parts = [factor()];
    while (peek() === "OR") {
      next();
      parts.push(factor());
    }
    return parts.length === 1 && parts[0] ? parts[0] : { kind: "or", parts };
  };
  function conjunction(): Node {
    const parts = [disjunction()];
    while (peek() !== undefined && peek() !== ")") {
      if (peek() === "AND") next();
      parts.push(disjunction());
    }
    return parts.length === 1 && parts[0] ? parts[0] : { kind: "and", parts };
  }
  const root = conjunction();
  if (at !== tokens.length) throw new Error("trailing tokens");
  return root;
}

function fieldValue(resource: Record<string, unknown>, path: string): unknown {
  let current: unknown = resource;
  for (const key of path.split(".")) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** `projects/...` of a Compute URL or partial path; undefined for any other value. */
function resourcePathOf(value: string): string | undefined {
  const at = value.indexOf("projects/");
  return at < 0 ? undefined : value.slice(at);
}

function compare(actual: unknown, op: string, expected: string, urlMatch: UrlMatch): boolean {
  if (urlMatch === "path" && (op === "=" || op === "!=") && typeof actual === "string") {
    const left = resourcePathOf(actual);
    const right = resourcePathOf(expected);
    if (left !== undefined && right !== undefined) return (left === right) === (op === "=");
  }
  if (op === ":") {
    if (expected === "*") return actual !== undefined;
    if (Array.isArray(actual)) return actual.some((item) => String(item) === expected);
    return actual !== undefined && String(actual).includes(expected);
  }
  if (op === "eq" || op === "ne") {
    const matches = actual !== undefined && new RegExp(`^(?:${expected})$`).test(String(actual));
    return op === "eq" ? matches : !matches;
  }
  const numeric =
    typeof actual === "number" && expected.trim() !== "" && !Number.isNaN(Number(expected));
  const left: number | string = numeric ? Number(actual) : String(actual ?? "");
  const right: number | string = numeric ? Number(expected) : expected;
  if (op === "=") return actual !== undefined && left === right;
  if (op === "!=") return actual === undefined || left !== right;
  if (actual === undefined) return false;
  if (op === "<") return left < right;
  if (op === ">") return left > right;
  if (op === "<=") return left <= right;
  return left >= right;
}

function evaluate(node: Node, resource: Record<string, unknown>, urlMatch: UrlMatch): boolean {
  if (node.kind === "cmp")
    return compare(fieldValue(resource, node.field), node.op, node.value, urlMatch);
  return node.kind === "and"
    ? node.parts.every((part) => evaluate(part, resource, urlMatch))
    : node.parts.some((part) => evaluate(part, resource, urlMatch));
}

function usesRegex(node: Node): boolean[] {
  if (node.kind === "cmp") return [node.op === "eq" || node.op === "ne"];
  return node.parts.flatMap(usesRegex);
}

/**
 * How `=` / `!=` compare URL-valued fields; Compute does not document it (see env.ts), so the
 * fake does it either way: "exact" strings, or the `projects/...` path whatever the host.
 */
export type UrlMatch = "exact" | "path";

/** Compiles `filter`; an empty filter lists everything. Throws a 400 ApiFailure when invalid. */
export function compileFilter(
  filter: string | null,
  urlMatch: UrlMatch = "exact",
): ResourcePredicate {
  if (filter === null || filter.trim() === "") return () => true;
  let root: Node;
  try {
    root = parse(tokenize(filter));
    const kinds = new Set(usesRegex(root));
    if (kinds.size > 1) throw new Error("regular expressions and AIP-160 mixed");
    if (kinds.has(true) && root.kind === "or") throw new Error("OR with regular expressions");
    if (kinds.has(true)) {
      for (const node of root.kind === "cmp" ? [root] : root.parts) {
        if (node.kind === "cmp") new RegExp(node.value);
      }
    }
  } catch {
    throw invalidField("filter", filter, "Invalid list filter expression.");
  }
  return (resource) => evaluate(root, resource, urlMatch);
}
