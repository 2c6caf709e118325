import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
  VrsError,
} from "../../src/errors.js";

/** What a failed call was doing, so every message names the operation and the resource. */
export interface AzureCallContext {
  readonly operation: string;
  readonly resource: string;
}

/** ARM codes that mean "another write holds this resource; try again shortly". */
const conflictCodes = new Set([
  "AnotherOperationInProgress",
  "RetryableErrorDueToAnotherOperation",
]);
const throttleCodes = new Set(["TooManyRequests", "SubscriptionRequestsThrottled"]);

/** The fields classification reads, taken from a `RestError` or an LRO failure without `any`. */
interface ErrorFacts {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly message: string;
  readonly retryAfterMs: number | undefined;
  readonly name: string;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

/** Reads Retry-After (seconds or HTTP date) or retry-after-ms from a RestError's response. */
function retryAfterOf(error: unknown, now: number): number | undefined {
  const headers = field(field(error, "response"), "headers");
  const get = field(headers, "get");
  if (typeof get !== "function") return undefined;
  const read = (name: string): unknown => Reflect.apply(get, headers, [name]);
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(read(name));
    if (read(name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = read("retry-after");
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function factsOf(error: unknown): ErrorFacts {
  const message = error instanceof Error ? error.message : String(error);
  const status = field(error, "statusCode");
  const code = field(error, "code");
  // core-lro reports a failed operation as "The long-running operation has failed. <code>. <message>".
  const lroCode = /long-running operation has failed\. ([A-Za-z]+)\./.exec(message)?.[1];
  return {
    status: typeof status === "number" ? status : undefined,
    code: typeof code === "string" ? code : lroCode,
    message,
    retryAfterMs: retryAfterOf(error, Date.now()),
    name: error instanceof Error ? error.name : "",
  };
}

function hintFor(status: number | undefined): string {
  if (status === 401) return "; check the workload identity (federated credential, client id)";
  if (status === 403) {
    return "; grant the controller's identity read/write on the route table's routes and read on NICs, VMs and VNets (e.g. Network Contributor scoped to the route table)";
  }
  return "";
}

/**
 * The one place raw SDK errors become typed errors: 429 -> Throttled (Retry-After kept),
 * 404 -> NotFound, 409/412 -> Conflict, 5xx/timeouts/resets -> Transient,
 * 400/401/403 and other 4xx -> Permanent. The cause is kept; the message names the operation,
 * the resource and the ARM error code.
 */
export function classifyAzureError(error: unknown, context: AzureCallContext): VrsError {
  if (error instanceof VrsError) return error;
  const facts = factsOf(error);
  const what = facts.code ?? (facts.status === undefined ? facts.name : `HTTP ${facts.status}`);
  const message = `azure ${context.operation} ${context.resource} failed (${what}): ${facts.message}${hintFor(facts.status)}`;
  const options = { cause: error };
  const { status, code } = facts;
  if (status === 429 || (status === undefined && code !== undefined && throttleCodes.has(code))) {
    return new ThrottledError(message, { ...options, ...retryAfter(facts) });
  }
  if (status === 404) return new NotFoundError(message, options);
  if (status === 409 || status === 412) return new ConflictError(message, options);
  if (status !== undefined && status >= 500) return new TransientError(message, options);
  if (status !== undefined && status >= 400) return new PermanentError(message, options);
  if (code !== undefined && conflictCodes.has(code)) return new ConflictError(message, options);
  // No HTTP status: a reset or timeout (REQUEST_SEND_ERROR, ECONNRESET, AbortError) or a failed
  // asynchronous operation; both may pass.
  return new TransientError(message, options);
}

function retryAfter(facts: ErrorFacts): { retryAfterMs?: number } {
  return facts.retryAfterMs === undefined ? {} : { retryAfterMs: facts.retryAfterMs };
}
