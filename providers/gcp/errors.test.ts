import { describe, expect, it } from "vitest";
import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
  VrsError,
} from "../../src/errors.js";
import { GcpApiError, hasReason } from "./api-error.js";
import { classifyGcpError, classifyOperationError } from "./errors.js";
import { toApiError } from "./sdk-errors.js";

const api = (facts: ConstructorParameters<typeof GcpApiError>[1], message = "boom") =>
  new GcpApiError(message, facts);

describe("classifying Compute Engine failures", () => {
  it.each([
    ["429", api({ httpStatus: 429 }), ThrottledError],
    [
      "403 rateLimitExceeded",
      api({ httpStatus: 403, reasons: ["rateLimitExceeded"] }),
      ThrottledError,
    ],
    [
      "403 userRateLimitExceeded",
      api({ httpStatus: 403, reasons: ["userRateLimitExceeded"] }),
      ThrottledError,
    ],
    [
      "an ErrorInfo RATE_LIMIT_EXCEEDED",
      api({ httpStatus: 403, reasons: ["RATE_LIMIT_EXCEEDED"] }),
      ThrottledError,
    ],
    [
      "a per-minute quotaExceeded",
      api(
        { httpStatus: 403, reasons: ["quotaExceeded"] },
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'",
      ),
      ThrottledError,
    ],
    [
      "the ROUTES resource quota",
      api(
        { httpStatus: 403, reasons: ["quotaExceeded"] },
        "Quota 'ROUTES' exceeded. Limit: 250.0 globally.",
      ),
      PermanentError,
    ],
    ["404", api({ httpStatus: 404, reasons: ["notFound"] }), NotFoundError],
    ["409 alreadyExists", api({ httpStatus: 409, reasons: ["alreadyExists"] }), ConflictError],
    [
      "400 resourceNotReady",
      api({ httpStatus: 400, reasons: ["resourceNotReady"] }),
      ConflictError,
    ],
    ["412", api({ httpStatus: 412 }), ConflictError],
    ["500 backendError", api({ httpStatus: 500, reasons: ["backendError"] }), TransientError],
    ["503", api({ httpStatus: 503 }), TransientError],
    ["ECONNRESET", api({ grpcCode: 14, errno: "ECONNRESET" }), TransientError],
    ["a client deadline", api({ grpcCode: 4 }), TransientError],
    ["400 invalid", api({ httpStatus: 400, reasons: ["invalid"] }), PermanentError],
    ["403 forbidden", api({ httpStatus: 403, reasons: ["forbidden"] }), PermanentError],
    ["401", api({ httpStatus: 401 }), PermanentError],
    ["a non-Error throw", "socket closed", TransientError],
  ])("maps %s", (_case, error, type) => {
    expect(classifyGcpError(error, "routes.insert", "route r")).toBeInstanceOf(type);
  });

  it("names operation, resource and reason, and keeps the original as cause", () => {
    const original = api(
      { httpStatus: 403, reasons: ["rateLimitExceeded"], retryAfterMs: 1500 },
      "Rate Limit Exceeded",
    );
    const error = classifyGcpError(original, "routes.list", "routes of project p");
    expect(error.message).toBe(
      "routes.list routes of project p failed: rateLimitExceeded (HTTP 403): Rate Limit Exceeded",
    );
    expect(error.cause).toBe(original);
    expect(error).toMatchObject({ retryAfterMs: 1500 });
  });

  it("passes typed errors through unchanged", () => {
    const typed = new ConflictError("already classified");
    expect(classifyGcpError(typed, "x", "y")).toBe(typed);
    expect(typed).toBeInstanceOf(VrsError);
  });

  it.each([
    ["RESOURCE_NOT_FOUND", 404, NotFoundError],
    ["RESOURCE_ALREADY_EXISTS", 409, ConflictError],
    ["QUOTA_EXCEEDED", 403, PermanentError],
    ["INTERNAL_ERROR", 500, TransientError],
    ["INVALID_USAGE", 400, PermanentError],
  ])("maps a DONE operation failing with %s", (code, status, type) => {
    const error = classifyOperationError(
      {
        name: "operation-1",
        status: "DONE",
        operationType: "insert",
        targetLink: "https://x/routes/r",
        errors: [{ code, message: "nope" }],
        httpErrorStatusCode: status,
      },
      "insert route r",
      "https://x/routes/r",
    );
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(
      `insert route r https://x/routes/r (operation operation-1) failed: ${code} (HTTP ${status}): nope`,
    );
    expect(hasReason(error, code)).toBe(true);
  });

  it("reads what the SDK's GoogleError carries: status, code, raw errors[].reason, ErrorInfo, RetryInfo, errno", () => {
    const sdkError = Object.assign(new Error("Rate Limit Exceeded"), {
      code: 8,
      httpStatusCode: 429,
      reason: "RATE_LIMIT_EXCEEDED",
      statusDetails: [{ retryDelay: { seconds: { toString: () => "2" }, nanos: 500_000_000 } }],
      [Symbol.for("google-gax.rawHttpResponsePayload")]: JSON.stringify({
        error: { errors: [{ reason: "rateLimitExceeded" }] },
      }),
    });
    expect(toApiError(sdkError)).toMatchObject({
      httpStatus: 429,
      grpcCode: 8,
      reasons: ["rateLimitExceeded", "RATE_LIMIT_EXCEEDED"],
      retryAfterMs: 2500,
    });
    const reset = Object.assign(new Error("request failed"), {
      code: 14,
      cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    });
    expect(toApiError(reset)).toMatchObject({
      grpcCode: 14,
      errno: "ECONNRESET",
      httpStatus: undefined,
    });
  });
});
