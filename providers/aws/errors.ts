import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
  VrsError,
} from "../../src/errors.js";

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

/** Server trouble, timeouts and clock-skew rejections the SDK corrects on the next attempt. */
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
  TagLimitExceeded: (_op, res) =>
    `${res} has 50 tags, the AWS maximum; each managed CIDR needs one ownership tag, so remove unused tags or manage fewer CIDRs in this table`,
};

interface ErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly cause?: unknown;
}

const shape = (error: unknown): ErrorShape =>
  typeof error === "object" && error !== null ? (error as ErrorShape) : {};

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * The AWS error code (`InvalidRoute.NotFound`) or Node network code (`ECONNRESET`) of an SDK
 * error, also when it is wrapped as the `cause` of a typed error; callers match codes narrowly.
 */
export function awsErrorCode(error: unknown): string | undefined {
  const e = shape(error);
  if (error instanceof VrsError) return awsErrorCode(e.cause);
  const isService = e.$metadata !== undefined || e.$fault !== undefined;
  const name = text(e.name);
  const named = name !== undefined && name !== "Error" ? name : undefined;
  return isService ? (text(e.Code) ?? named ?? text(e.code)) : (text(e.code) ?? named);
}

/** The AWS message of an SDK error, also through a typed error's `cause`. */
export function awsErrorMessage(error: unknown): string {
  const e = shape(error);
  if (error instanceof VrsError) return awsErrorMessage(e.cause);
  return text(e.message) ?? String(error);
}

/**
 * Maps anything the EC2 SDK throws to the controller's typed errors, naming the operation, the
 * resource and the AWS code, with the SDK error kept as `cause`. Typed errors pass through.
 */
export function toAwsError(error: unknown, operation: string, resource: string): VrsError {
  if (error instanceof VrsError) return error;
  const e = shape(error);
  const code = awsErrorCode(error) ?? "UnknownError";
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : 0;
  const hint = hints[code]?.(operation, resource);
  const message = `EC2 ${operation} on ${resource} failed: ${code}: ${awsErrorMessage(error)}${hint === undefined ? "" : `; ${hint}`}`;
  const options = { cause: error };
  if (throttlingCodes.has(code) || status === 429) return new ThrottledError(message, options);
  if (code.endsWith(".NotFound") || code === "NotFound") return new NotFoundError(message, options);
  if (conflictCodes.has(code)) return new ConflictError(message, options);
  if (status === 501)
    return new PermanentError(`${message} (the endpoint does not implement it)`, options);
  if (transientCodes.has(code) || status >= 500 || e.$fault === "server") {
    return new TransientError(message, options);
  }
  const isBug = error instanceof TypeError || error instanceof RangeError;
  if (status === 0 && e.$fault === undefined && !isBug && !(code in hints)) {
    return new TransientError(message, options);
  }
  return new PermanentError(message, options);
}
