import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
  VrsError,
} from "../../src/errors.js";
import { oversizedResponseName } from "./bounded-handler.js";

/** EC2 and SDK codes meaning "slow down" (the SDK's own throttling list plus EC2's). */
const throttlingCodes = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "EC2ThrottledException",
  "TooManyRequestsException",
  "SlowDown",
  "BandwidthLimitExceeded",
  "PriorRequestNotComplete",
  "TransactionInProgressException",
]);

/** Another write got there first or the resource is mid-change: retry after re-reading. */
const conflictCodes = new Set([
  "RouteAlreadyExists",
  "IncorrectState",
  "IncorrectInstanceState",
  "ConcurrentTagAccess",
  "InvalidState",
]);

/** Server trouble, timeouts and clock-skew rejections the signer corrects on the next attempt. */
const transientCodes = new Set([
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "Unavailable",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "RequestExpired",
  "RequestInTheFuture",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** What the operator should do, for the codes where the fix is known. */
const hints: Record<string, (operation: string, resource: string) => string> = {
  UnauthorizedOperation: (op, res) =>
    `grant the controller's IAM role ec2:${op} on ${res} (see deploy/iam)`,
  AccessDenied: (op, res) => `grant the controller's IAM role ec2:${op} on ${res} (see deploy/iam)`,
  AuthFailure: () =>
    "AWS rejected the credentials; check the IRSA / Pod Identity role and the region",
  CredentialsProviderError: () =>
    "no AWS credentials found; configure IRSA, EKS Pod Identity or an instance profile",
  RouteLimitExceeded: (_op, res) =>
    `${res} has reached its route quota (default 50 per table); raise the quota or remove routes`,
  [oversizedResponseName]: () =>
    "the endpoint sent more than any EC2 page holds; check --aws-endpoint / AWS_ENDPOINT_URL_EC2 and any proxy in between",
  TagLimitExceeded: (_op, res) =>
    `${res} has 50 tags, the AWS maximum; each managed CIDR needs one ownership tag, so remove unused tags or manage fewer CIDRs in this table`,
};

/** The fields of an SDK ServiceException (or a Node network error) the mapping reads. */
interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: { readonly throttling?: unknown };
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

const shape = (error: unknown): ErrorShape =>
  typeof error === "object" && error !== null ? (error as ErrorShape) : {};

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** What the mapping looks at: the AWS or Node code, the HTTP status (0: none), fault and retry hints. */
interface ErrorFacts {
  readonly code: string | undefined;
  readonly status: number;
  readonly fault: "client" | "server" | undefined;
  /** The SDK's `$retryable`: undefined when the error does not say. */
  readonly retryable: { readonly throttling: boolean } | undefined;
}

/**
 * Reads an error of the SDK (a ServiceException: the AWS code as `name`, `$fault`, `$metadata`,
 * `$retryable`) or of Node below it (`ECONNRESET` as `code`, the handler's `TimeoutError` as
 * `name`): one set of facts for one mapping, never the message text.
 */
function factsOf(error: unknown): ErrorFacts {
  const e = shape(error);
  const name = text(e.name);
  const named = name !== undefined && name !== "Error" ? name : undefined;
  const isSdkService = e.$metadata !== undefined || e.$fault !== undefined;
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : 0;
  const fault = e.$fault === "server" || e.$fault === "client" ? e.$fault : undefined;
  const retryable =
    e.$retryable === undefined ? undefined : { throttling: e.$retryable.throttling === true };
  const code = isSdkService ? (named ?? text(e.code)) : (text(e.code) ?? named);
  return { code, status, fault, retryable };
}

/**
 * The AWS error code (`InvalidRoute.NotFound`) or Node network code (`ECONNRESET`) of a failed
 * EC2 call, also when it is wrapped as the `cause` of a typed error; callers match codes narrowly.
 */
export function awsErrorCode(error: unknown): string | undefined {
  if (error instanceof VrsError) return awsErrorCode(error.cause);
  return factsOf(error).code;
}

/** The AWS message of a failed EC2 call, also through a typed error's `cause`. */
export function awsErrorMessage(error: unknown): string {
  if (error instanceof VrsError) return awsErrorMessage(error.cause);
  return text(shape(error).message) ?? String(error);
}

/**
 * Maps anything a failed EC2 call throws to the controller's typed errors, naming the operation,
 * the resource and the AWS code, with the original error kept as `cause`. Keyed by the SDK
 * error's name (EC2's error code) first, then `$retryable`, the HTTP status and `$fault`.
 * Typed errors pass through.
 */
export function toAwsError(error: unknown, operation: string, resource: string): VrsError {
  if (error instanceof VrsError) return error;
  const facts = factsOf(error);
  const code = facts.code ?? "UnknownError";
  const { status } = facts;
  const hint = hints[code]?.(operation, resource);
  const message = `EC2 ${operation} on ${resource} failed: ${code}: ${awsErrorMessage(error)}${hint === undefined ? "" : `; ${hint}`}`;
  const options = { cause: error };
  const isThrottling =
    throttlingCodes.has(code) || status === 429 || facts.retryable?.throttling === true;
  if (isThrottling) return new ThrottledError(message, options);
  if (code.endsWith(".NotFound") || code === "NotFound") return new NotFoundError(message, options);
  if (conflictCodes.has(code)) return new ConflictError(message, options);
  if (code === oversizedResponseName) return new PermanentError(message, options);
  if (status === 501)
    return new PermanentError(`${message} (the endpoint does not implement it)`, options);
  // A 2xx that still failed: the SDK could not read the answer (cut off, not XML); try again.
  const isUnreadableAnswer = status >= 200 && status < 300;
  const isServerSide = status >= 500 || facts.fault === "server" || isUnreadableAnswer;
  if (transientCodes.has(code) || isServerSide || facts.retryable !== undefined) {
    return new TransientError(message, options);
  }
  const isBug = error instanceof TypeError || error instanceof RangeError;
  if (status === 0 && facts.fault === undefined && !isBug && !(code in hints)) {
    return new TransientError(message, options);
  }
  return new PermanentError(message, options);
}
