/**
 * Reads a rejected SDK call into a GcpApiError. The SDK's GoogleError keeps the HTTP status
 * (`httpStatusCode`), the mapped gRPC `code`, the ErrorInfo `reason` and decoded `statusDetails`
 * (RetryInfo), but not Compute's `errors[].reason`: that is only in the raw body, which google-gax
 * attaches under `Symbol.for("google-gax.rawHttpResponsePayload")`. Socket failures carry an errno
 * (`ECONNRESET`) somewhere in the cause chain. Duck-typed, so this file needs no SDK import.
 */
import { GcpApiError } from "./api-error.js";

const rawPayload = Symbol.for("google-gax.rawHttpResponsePayload");

const isObject = (value: unknown): value is Record<PropertyKey, unknown> =>
  typeof value === "object" && value !== null;

function bodyReasons(raw: unknown): string[] {
  if (typeof raw !== "string") return [];
  try {
    const body: unknown = JSON.parse(raw);
    const errors = isObject(body) && isObject(body.error) ? body.error.errors : undefined;
    return Array.isArray(errors)
      ? errors.flatMap((e) => (isObject(e) && typeof e.reason === "string" ? [e.reason] : []))
      : [];
  } catch {
    return [];
  }
}

function errnoOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && isObject(current); depth++) {
    const code = current.code;
    if (typeof code === "string" && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

function retryDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = isObject(detail) ? detail.retryDelay : undefined;
    if (isObject(delay)) {
      const ms = Number(String(delay.seconds ?? 0)) * 1000 + Number(delay.nanos ?? 0) / 1e6;
      if (Number.isFinite(ms)) return ms;
    }
  }
  return undefined;
}

/** Everything the classifier needs from a rejected SDK call; keeps the original as `cause`. */
export function toApiError(error: unknown): GcpApiError {
  if (error instanceof GcpApiError) return error;
  if (!isObject(error)) return new GcpApiError(String(error), { cause: error });
  const message = typeof error.message === "string" ? error.message : String(error);
  const reasons = [
    ...bodyReasons(error[rawPayload]),
    ...(typeof error.reason === "string" ? [error.reason] : []),
  ];
  return new GcpApiError(message, {
    httpStatus: typeof error.httpStatusCode === "number" ? error.httpStatusCode : undefined,
    grpcCode: typeof error.code === "number" ? error.code : undefined,
    reasons,
    errno: errnoOf(error),
    retryAfterMs: retryDelayMs(error.statusDetails),
    cause: error,
  });
}
