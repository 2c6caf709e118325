/** Stable codes for the error kinds the controller distinguishes. */
export type ErrorCode =
  | "THROTTLED"
  | "CONFLICT"
  | "NOT_FOUND"
  | "PERMANENT"
  | "TRANSIENT"
  | "CONFIG"
  | "LEADERSHIP_LOST"
  | "UNSAFE_TO_WRITE";

/** Base of every error the controller raises on purpose: a code, a message for humans, a cause. */
export class VrsError extends Error {
  readonly code: ErrorCode;
  /** Whether retrying the same call later can succeed. */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.retryable = retryable;
  }
}

/** The cloud asked us to slow down (429, RequestLimitExceeded, rateLimitExceeded). */
export class ThrottledError extends VrsError {
  /** Delay the cloud asked for (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super("THROTTLED", message, true, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The write collided with another one (another operation in progress, precondition failed). */
export class ConflictError extends VrsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CONFLICT", message, true, options);
  }
}

/** The object is not there; retryable because clouds are eventually consistent. */
export class NotFoundError extends VrsError {
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super("NOT_FOUND", message, options?.retryable ?? true, options);
  }
}

/** A server-side or network failure that may pass (5xx, timeouts, resets). */
export class TransientError extends VrsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TRANSIENT", message, true, options);
  }
}

/** Retrying cannot help (bad request, permission denied): reported, counted, not retried in a loop. */
export class PermanentError extends VrsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("PERMANENT", message, false, options);
  }
}

/** Invalid configuration: the message names the setting and the fix. */
export class ConfigError extends VrsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CONFIG", message, false, options);
  }
}

/** The leader lease is no longer held, so no cloud write may start. */
export class LeadershipLostError extends VrsError {
  constructor(message = "the leader lease is no longer held; refusing to write") {
    super("LEADERSHIP_LOST", message, false);
  }
}

/** A safety rule forbids writing right now (API server unreachable, caches stale): skip, never retry. */
export class UnsafeToWriteError extends VrsError {
  constructor(message: string) {
    super("UNSAFE_TO_WRITE", message, false);
  }
}

/** True when a write was stopped by a safety rule (leadership or staleness), not by the cloud. */
export const isWriteStopped = (e: unknown): boolean =>
  e instanceof LeadershipLostError || e instanceof UnsafeToWriteError;

/** True for errors worth retrying: typed retryable errors, and unknown errors (network) by default. */
export function isRetryable(error: unknown): boolean {
  return error instanceof VrsError ? error.retryable : true;
}

/** Narrowing guards, so callers never compare codes by hand. */
export const isThrottled = (e: unknown): e is ThrottledError => e instanceof ThrottledError;
export const isConflict = (e: unknown): e is ConflictError => e instanceof ConflictError;
export const isNotFound = (e: unknown): e is NotFoundError => e instanceof NotFoundError;
export const isPermanent = (e: unknown): e is PermanentError => e instanceof PermanentError;
export const isConfigError = (e: unknown): e is ConfigError => e instanceof ConfigError;

/** Message of any thrown value, for logs and Events. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
