import { describe, expect, it } from "vitest";
import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
} from "../../errors.js";
import { classifyKubeError, httpStatusOf, isGone, KubeApiError, kubeApiError } from "./errors.js";

const statusBody = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: "Status", status: "Failure", code, reason, message });

describe("Kubernetes API error mapping", () => {
  it.each([
    [404, NotFoundError],
    [409, ConflictError],
    [429, ThrottledError],
    [401, PermanentError],
    [403, PermanentError],
    [400, PermanentError],
    [422, PermanentError],
    [410, TransientError],
    [500, TransientError],
    [503, TransientError],
    [504, TransientError],
  ])("maps HTTP %i to %o, with the answer as its cause", (code, type) => {
    const raw = kubeApiError(code, statusBody(code, "Reason", "what the server said"));
    const error = classifyKubeError(raw, { what: "reading node a" });
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe("reading node a failed: what the server said");
    expect(error.cause).toBe(raw);
    expect(httpStatusOf(error)).toBe(code);
  });

  it("names the permission to grant on 401 and 403", () => {
    const raw = kubeApiError(403, statusBody(403, "Forbidden", "cannot get resource leases"));
    const error = classifyKubeError(raw, { what: "reading lease a/b", forbiddenHint: "grant get" });
    expect(error.message).toBe("reading lease a/b failed: cannot get resource leases; grant get");
  });

  it("carries Retry-After of a 429 as retryAfterMs", () => {
    const raw = kubeApiError(429, statusBody(429, "TooManyRequests", "slow down"), "3");
    const error = classifyKubeError(raw, { what: "listing services" });
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(3_000);
  });

  it("keeps the text of an answer that is no Status, bounded", () => {
    const raw = kubeApiError(502, `<html>${"x".repeat(5_000)}</html>`);
    expect(raw.message.startsWith("<html>")).toBe(true);
    expect(raw.message.length).toBe(2_000);
    expect(kubeApiError(503, "").message).toBe("HTTP 503");
  });

  it("says a request timed out, naming the timeout", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const error = classifyKubeError(timeout, { what: "reading lease a/b", timeoutMs: 200 });
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe("reading lease a/b timed out after 200 ms");
  });

  it("treats socket errors as transient and leaves typed errors alone", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const error = classifyKubeError(reset, { what: "watching /api/v1/services" });
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe("watching /api/v1/services failed: socket hang up");
    const typed = new ConflictError("already classified");
    expect(classifyKubeError(typed, { what: "x" })).toBe(typed);
  });

  it("recognises 410 Gone through the cause chain, and only 410", () => {
    const gone = new KubeApiError(410, "too old resource version", "Expired");
    expect(isGone(classifyKubeError(gone, { what: "x" }))).toBe(true);
    expect(isGone(new TransientError("wrapped", { cause: gone }))).toBe(true);
    expect(isGone(new KubeApiError(404, "missing"))).toBe(false);
    expect(isGone(new Error("no answer"))).toBe(false);
  });
});
