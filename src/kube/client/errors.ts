import {
  ConflictError,
  errorMessage,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
  VrsError,
} from "../../errors.js";
import type { KubeStatus } from "./types.js";

/** Longest error body kept for a message: a Status is small, an HTML error page is not. */
const maxMessageChars = 2_000;

/**
 * An API server answer outside 2xx. It is the `cause` of the typed error callers see, so the HTTP
 * status stays available (`httpStatusOf`) without anyone comparing codes of a raw client error.
 */
export class KubeApiError extends Error {
  readonly statusCode: number;
  /** The Status reason (`NotFound`, `Conflict`, `Expired`...), when the server sent one. */
  readonly reason: string | undefined;
  /** What a 429 or 503 asked for in Retry-After. */
  readonly retryAfterMs: number | undefined;

  constructor(statusCode: number, message: string, reason?: string, retryAfterMs?: number) {
    super(message);
    this.name = "KubeApiError";
    this.statusCode = statusCode;
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Builds the error for an answer with `statusCode`, from its body (a Status object, or text). */
export function kubeApiError(
  statusCode: number,
  body: string,
  retryAfter?: string | string[],
): KubeApiError {
  let status: KubeStatus | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null) status = parsed as KubeStatus;
  } catch {
    // not JSON: an HTML page from a proxy, or plain text
  }
  const text = body.trim().slice(0, maxMessageChars);
  const message = status?.message || text || `HTTP ${statusCode}`;
  return new KubeApiError(statusCode, message, status?.reason, retryAfterMs(retryAfter));
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}

/** What a failed call was doing, for the message an operator reads. */
export interface ErrorContext {
  /** E.g. `reading lease vrs/leader`. */
  readonly what: string;
  /** The request timeout, named when it fired. */
  readonly timeoutMs?: number;
  /** Appended to 401/403 messages: which permission to grant. */
  readonly forbiddenHint?: string;
}

/** Statuses where the same request cannot succeed later: malformed, invalid, unsupported. */
const permanentStatuses = new Set([400, 405, 406, 413, 415, 422]);

/**
 * The one factory that maps what the client raised (an HTTP status, a timeout, a socket error)
 * to the project's typed errors, keeping the original as `cause`.
 */
export function classifyKubeError(error: unknown, context: ErrorContext): Error {
  if (error instanceof VrsError) return error;
  const { what } = context;
  if (error instanceof KubeApiError) {
    const message = `${what} failed: ${error.message}`;
    const code = error.statusCode;
    const options = { cause: error };
    if (code === 404) return new NotFoundError(message, options);
    if (code === 409) return new ConflictError(message, options);
    if (code === 429) {
      return new ThrottledError(message, { ...options, retryAfterMs: error.retryAfterMs });
    }
    if (code === 401 || code === 403) {
      const hint = context.forbiddenHint ? `; ${context.forbiddenHint}` : "";
      return new PermanentError(`${message}${hint}`, options);
    }
    if (permanentStatuses.has(code)) return new PermanentError(message, options);
    return new TransientError(message, options);
  }
  if (error instanceof Error && error.name === "TimeoutError") {
    const after = context.timeoutMs === undefined ? "" : ` after ${context.timeoutMs} ms`;
    return new TransientError(`${what} timed out${after}`, { cause: error });
  }
  if (error instanceof Error && error.name === "AbortError") {
    return new TransientError(`${what} was cancelled`, { cause: error });
  }
  return new TransientError(`${what} failed: ${errorMessage(error)}`, { cause: error });
}

/** The HTTP status behind an error or any error in its cause chain, if there was an answer. */
export function httpStatusOf(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth++) {
    if (e instanceof KubeApiError) return e.statusCode;
    e = e.cause;
  }
  return undefined;
}

/** True for 410 Gone: a resourceVersion or continue token older than the server keeps. */
export const isGone = (error: unknown): boolean => httpStatusOf(error) === 410;
