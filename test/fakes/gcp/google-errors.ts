/**
 * Google API error bodies, as Compute Engine v1 sends them.
 *
 * Reference: https://cloud.google.com/compute/docs/api/best-practices#error-handling and
 * https://cloud.google.com/apis/design/errors#http_mapping (the JSON shape
 * `{ error: { code, message, errors: [{ domain, reason, message }], status, details } }`), and
 * https://cloud.google.com/compute/api-quota (rate quotas answer 403 `rateLimitExceeded`, body
 * exactly as in the troubleshooting page's audit-log sample, without `details`). ErrorInfo and
 * RetryInfo details, as newer Google front ends add to 429s, are opt-in: the SDK re-parses all
 * Compute protos for every error that carries details (~0.3 s CPU each), which a test should
 * only pay for when it is about those details.
 */

/** The canonical `status` string Google puts next to each HTTP code. */
const canonicalStatus: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  412: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** The `reason` Compute Engine uses when a fault names only a status code. */
export const defaultReason: Readonly<Record<number, string>> = {
  400: "invalid",
  403: "rateLimitExceeded",
  404: "notFound",
  409: "alreadyExists",
  412: "conditionNotMet",
  429: "rateLimitExceeded",
  500: "backendError",
  503: "backendError",
};

/** What a handler throws to answer with a Google error body instead of a resource. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly reason: string;
  /** Seconds for `Retry-After` and a RetryInfo detail (throttling only). */
  readonly retryAfterSeconds: number | undefined;
  /** Adds a `google.rpc.ErrorInfo` detail (reason RATE_LIMIT_EXCEEDED for rate limits). */
  readonly withErrorInfo: boolean;

  constructor(
    status: number,
    reason: string,
    message: string,
    extras: { retryAfterSeconds?: number; withErrorInfo?: boolean } = {},
  ) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.retryAfterSeconds = extras.retryAfterSeconds;
    this.withErrorInfo = extras.withErrorInfo ?? false;
  }
}

/** A JSON-serialisable error body. */
export type ErrorBody = { readonly error: Record<string, unknown> };

/** Builds the body exactly as the Google front end shapes it for `failure`. */
export function errorBody(failure: ApiFailure): ErrorBody {
  const isRate =
    failure.reason === "rateLimitExceeded" || failure.reason === "userRateLimitExceeded";
  const domain = isRate ? "usageLimits" : "global";
  const details: Record<string, unknown>[] = [];
  if (failure.withErrorInfo) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: isRate ? "RATE_LIMIT_EXCEEDED" : failure.reason.toUpperCase(),
      domain: "googleapis.com",
      metadata: { service: "compute.googleapis.com", quota_location: "global" },
    });
  }
  if (failure.retryAfterSeconds !== undefined) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: `${failure.retryAfterSeconds}s`,
    });
  }
  return {
    error: {
      code: failure.status,
      message: failure.message,
      errors: [{ message: failure.message, domain, reason: failure.reason }],
      status: canonicalStatus[failure.status] ?? (failure.status >= 500 ? "INTERNAL" : "UNKNOWN"),
      ...(details.length > 0 ? { details } : {}),
    },
  };
}

/** 404 `notFound` for a resource path such as `projects/p/global/routes/r`. */
export const notFound = (path: string): ApiFailure =>
  new ApiFailure(404, "notFound", `The resource '${path}' was not found`);

/** 409 `alreadyExists`: a resource with that name exists (or is being created). */
export const alreadyExists = (path: string): ApiFailure =>
  new ApiFailure(409, "alreadyExists", `The resource '${path}' already exists`);

/** 400 `resourceNotReady`: another operation on the resource is still running. */
export const resourceNotReady = (path: string): ApiFailure =>
  new ApiFailure(400, "resourceNotReady", `The resource '${path}' is not ready`);

/** 400 `invalid` for a field, worded like the real validation messages. */
export const invalidField = (field: string, value: unknown, why: string): ApiFailure =>
  new ApiFailure(400, "invalid", `Invalid value for field '${field}': '${String(value)}'. ${why}`);

/** 400 `required` for a missing field. */
export const requiredField = (field: string): ApiFailure =>
  new ApiFailure(400, "required", `Required field '${field}' not specified`);

/** A fault of just a status code, with the reason Compute Engine uses for it. */
export function statusFailure(
  status: number,
  reason?: string,
  extras: { retryAfterSeconds?: number; withErrorInfo?: boolean } = {},
): ApiFailure {
  const chosen = reason ?? defaultReason[status] ?? "backendError";
  const message =
    chosen === "rateLimitExceeded" ? "Rate Limit Exceeded" : `Injected ${status} ${chosen}`;
  return new ApiFailure(status, chosen, message, extras);
}
