import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  isThrottled,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
} from "../../src/errors.js";
import { classifyAzureError } from "./errors.js";

const context = {
  operation: "routes.createOrUpdate",
  resource: "net-rg/vpn-rt/vrs-c1-10-8-0-0-24",
};

function armError(
  statusCode: number,
  code: string,
  headers: Record<string, string> = {},
): RestError {
  const request = createPipelineRequest({ url: "https://management.azure.com/x" });
  const response = { headers: createHttpHeaders(headers), status: statusCode, request };
  return new RestError(`${code} happened`, { statusCode, code, response });
}

describe("classifying Azure SDK errors", () => {
  it.each([
    [429, "SubscriptionRequestsThrottled", ThrottledError],
    [429, "RetryableErrorDueToAnotherOperation", ThrottledError],
    [404, "ResourceNotFound", NotFoundError],
    [409, "AnotherOperationInProgress", ConflictError],
    [412, "PreconditionFailed", ConflictError],
    [500, "InternalServerError", TransientError],
    [503, "ServiceUnavailable", TransientError],
    [400, "RouteConflict", PermanentError],
    [401, "InvalidAuthenticationToken", PermanentError],
    [403, "AuthorizationFailed", PermanentError],
  ] as const)("maps HTTP %i %s to %o", (status, code, type) => {
    const typed = classifyAzureError(armError(status, code), context);
    expect(typed).toBeInstanceOf(type);
    expect(typed.message).toContain(
      `azure routes.createOrUpdate ${context.resource} failed (${code})`,
    );
    expect(typed.cause).toBeInstanceOf(RestError);
  });

  it("keeps the Retry-After the cloud sent, in seconds, milliseconds or as a date", () => {
    const retryAfter = (headers: Record<string, string>): number | undefined => {
      const typed = classifyAzureError(armError(429, "TooManyRequests", headers), context);
      return isThrottled(typed) ? typed.retryAfterMs : -1;
    };
    expect(retryAfter({ "retry-after": "12" })).toBe(12_000);
    expect(retryAfter({ "retry-after-ms": "250" })).toBe(250);
    const date = retryAfter({ "retry-after": new Date(Date.now() + 60_000).toUTCString() });
    expect(date).toBeGreaterThan(55_000);
    expect(date).toBeLessThanOrEqual(60_000);
    expect(retryAfter({})).toBeUndefined();
  });

  it("treats resets, timeouts and failed async operations by their code", () => {
    const reset = new RestError("socket hang up", { code: "ECONNRESET" });
    expect(classifyAzureError(reset, context)).toBeInstanceOf(TransientError);
    const failedLro = new Error(
      "The long-running operation has failed. AnotherOperationInProgress. Busy.",
    );
    expect(classifyAzureError(failedLro, context)).toBeInstanceOf(ConflictError);
    const internal = new Error("The long-running operation has failed. InternalServerError. Oops.");
    expect(classifyAzureError(internal, context)).toBeInstanceOf(TransientError);
  });

  it("names the fix for permission errors and passes typed errors through", () => {
    expect(classifyAzureError(armError(403, "AuthorizationFailed"), context).message).toContain(
      "grant the controller's identity",
    );
    const typed = new PermanentError("already typed");
    expect(classifyAzureError(typed, context)).toBe(typed);
  });
});
