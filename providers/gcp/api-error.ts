/**
 * What a failed Compute Engine call told us, in SDK-independent terms. client.ts builds it from
 * the SDK's GoogleError (HTTP status, gRPC code, `errors[].reason` from the raw body, ErrorInfo
 * reason, RetryInfo delay, socket errno); errors.ts classifies it; hand-written ports throw it.
 */
export class GcpApiError extends Error {
  readonly httpStatus: number | undefined;
  /** gRPC status code the SDK mapped (4 DEADLINE_EXCEEDED, 14 UNAVAILABLE...). */
  readonly grpcCode: number | undefined;
  /** `errors[].reason` (`rateLimitExceeded`, `alreadyExists`...), ErrorInfo and operation codes. */
  readonly reasons: readonly string[];
  /** Socket-level code (`ECONNRESET`, `ETIMEDOUT`), when the call never got an answer. */
  readonly errno: string | undefined;
  /** RetryInfo delay, when the server said how long to back off. */
  readonly retryAfterMs: number | undefined;
  /** Set when a DONE operation reported the failure (not the HTTP call itself). */
  readonly operation: string | undefined;

  constructor(
    message: string,
    facts: {
      httpStatus?: number | undefined;
      grpcCode?: number | undefined;
      reasons?: readonly string[];
      errno?: string | undefined;
      retryAfterMs?: number | undefined;
      operation?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: facts.cause });
    this.name = "GcpApiError";
    this.httpStatus = facts.httpStatus;
    this.grpcCode = facts.grpcCode;
    this.reasons = facts.reasons ?? [];
    this.errno = facts.errno;
    this.retryAfterMs = facts.retryAfterMs;
    this.operation = facts.operation;
  }
}

/** The GcpApiError somewhere in `error`'s cause chain, if any. */
export function findApiError(error: unknown): GcpApiError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof GcpApiError) return current;
    current = current.cause;
  }
  return undefined;
}

/** True when the call failed with this `reason` (e.g. `alreadyExists`, `RESOURCE_NOT_FOUND`). */
export function hasReason(error: unknown, ...reasons: string[]): boolean {
  const api = findApiError(error);
  return api?.reasons.some((r) => reasons.includes(r)) ?? false;
}
