/**
 * The one factory that turns Compute Engine failures into the controller's typed errors.
 * Reasons decide before status codes, because Compute answers rate limits with 403
 * `rateLimitExceeded` (https://cloud.google.com/compute/api-quota) and a busy resource with 400
 * `resourceNotReady`; operation errors (`error.errors[].code` of a DONE operation) go through the
 * same rules. The original error stays as `cause`; messages name operation, resource and reason.
 */
import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
  VrsError,
} from "../../src/errors.js";
import { findApiError, GcpApiError } from "./api-error.js";
import type { GcpOperation } from "./port.js";

const throttleReasons = ["rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"];
const notFoundReasons = ["notFound", "RESOURCE_NOT_FOUND"];
const conflictReasons = [
  "alreadyExists",
  "RESOURCE_ALREADY_EXISTS",
  "resourceNotReady",
  "RESOURCE_NOT_READY",
  "conditionNotMet",
  "resourceInUseByAnotherResource",
];
const transientReasons = ["backendError", "internalError", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE"];
const transientErrnos = [
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
];
/** gRPC codes the SDK uses when no HTTP status arrived: deadline, unavailable, aborted, internal, unknown. */
const transientGrpc = [2, 4, 10, 13, 14];

/** A `quotaExceeded` about a per-minute rate (throttling), not a resource quota such as ROUTES. */
function isRateQuota(api: GcpApiError): boolean {
  return (
    api.reasons.some((r) => r === "quotaExceeded" || r === "QUOTA_EXCEEDED") &&
    /per minute|per second|rate/i.test(api.message)
  );
}

function pick(api: GcpApiError): "throttled" | "notFound" | "conflict" | "transient" | "permanent" {
  const has = (list: readonly string[]) => api.reasons.some((r) => list.includes(r));
  const status = api.httpStatus;
  if (has(throttleReasons) || isRateQuota(api) || status === 429) return "throttled";
  if (has(notFoundReasons)) return "notFound";
  if (has(conflictReasons)) return "conflict";
  if (has(transientReasons)) return "transient";
  if (status === 404) return "notFound";
  if (status === 409 || status === 412) return "conflict";
  if (status !== undefined && status >= 500) return "transient";
  if (status !== undefined && status >= 400) return "permanent";
  if (api.errno !== undefined && transientErrnos.includes(api.errno)) return "transient";
  if (api.grpcCode === 5) return "notFound";
  if (api.grpcCode === 6) return "conflict";
  if (api.grpcCode === 8) return "throttled";
  if (api.grpcCode !== undefined && transientGrpc.includes(api.grpcCode)) return "transient";
  if (api.grpcCode !== undefined && api.grpcCode !== 0) return "permanent";
  return "transient";
}

/** Maps any failure of `operation` on `resource` to a typed, retry-aware error. */
export function classifyGcpError(error: unknown, operation: string, resource: string): VrsError {
  if (error instanceof VrsError) return error;
  const api =
    findApiError(error) ??
    new GcpApiError(error instanceof Error ? error.message : String(error), { cause: error });
  const reason =
    api.reasons[0] ?? (api.errno || (api.httpStatus ? `HTTP ${api.httpStatus}` : "no response"));
  const status =
    api.httpStatus !== undefined && !reason.startsWith("HTTP") ? ` (HTTP ${api.httpStatus})` : "";
  const message = `${operation} ${resource} failed: ${reason}${status}: ${api.message}`;
  const options = { cause: error };
  switch (pick(api)) {
    case "throttled":
      return new ThrottledError(message, {
        ...options,
        ...(api.retryAfterMs === undefined ? {} : { retryAfterMs: api.retryAfterMs }),
      });
    case "notFound":
      return new NotFoundError(message, options);
    case "conflict":
      return new ConflictError(message, options);
    case "transient":
      return new TransientError(message, options);
    default:
      return new PermanentError(message, options);
  }
}

/** The typed error for a DONE operation that failed (its `error.errors[]`). */
export function classifyOperationError(
  operation: GcpOperation,
  action: string,
  resource: string,
): VrsError {
  const api = new GcpApiError(
    operation.errors.map((e) => e.message).join("; ") || `operation ${operation.name} failed`,
    {
      httpStatus: operation.httpErrorStatusCode,
      reasons: operation.errors.map((e) => e.code),
      operation: operation.name,
    },
  );
  return classifyGcpError(api, action, `${resource} (operation ${operation.name})`);
}
