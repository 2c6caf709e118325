import { EC2ServiceException } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  NotFoundError,
  PermanentError,
  ThrottledError,
  TransientError,
  VrsError,
} from "../../src/errors.js";
import { awsServiceError } from "../../test/fakes/aws/service-error.js";
import { awsErrorCode, awsErrorMessage, toAwsError } from "./errors.js";

const networkError = (code: string, name = "Error") =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:1`), {
    name,
    code,
    $metadata: { attempts: 1 },
  });

/** The SDK's own exception class, as its EC2 deserializer throws it for an error answer. */
const sdkError = (
  code: string,
  message: string,
  status: number,
  extra: Partial<Pick<EC2ServiceException, "$retryable">> = {},
) =>
  Object.assign(
    new EC2ServiceException({
      name: code,
      message,
      $fault: status >= 500 ? "server" : "client",
      $metadata: { httpStatusCode: status, requestId: "req-1", attempts: 1 },
    }),
    extra,
  );

describe("toAwsError", () => {
  it.each([
    ["RequestLimitExceeded", 503, ThrottledError],
    ["Throttling", 400, ThrottledError],
    ["ThrottlingException", 400, ThrottledError],
    ["EC2ThrottledException", 400, ThrottledError],
    ["TooManyRequestsException", 429, ThrottledError],
    ["SomethingNew", 429, ThrottledError],
    ["InvalidRouteTableID.NotFound", 400, NotFoundError],
    ["InvalidNetworkInterfaceID.NotFound", 400, NotFoundError],
    ["InvalidRoute.NotFound", 400, NotFoundError],
    ["InvalidVpcID.NotFound", 400, NotFoundError],
    ["RouteAlreadyExists", 400, ConflictError],
    ["IncorrectState", 400, ConflictError],
    ["IncorrectInstanceState", 400, ConflictError],
    ["ConcurrentTagAccess", 400, ConflictError],
    ["InternalError", 500, TransientError],
    ["InternalFailure", 500, TransientError],
    ["ServiceUnavailable", 503, TransientError],
    ["Unavailable", 503, TransientError],
    ["SomethingNew", 502, TransientError],
    ["RequestExpired", 400, TransientError],
    ["UnauthorizedOperation", 403, PermanentError],
    ["AuthFailure", 401, PermanentError],
    ["InvalidParameterValue", 400, PermanentError],
    ["InvalidParameterCombination", 400, PermanentError],
    ["InvalidParameter", 400, PermanentError],
    ["MissingParameter", 400, PermanentError],
    ["RouteLimitExceeded", 400, PermanentError],
    ["TagLimitExceeded", 400, PermanentError],
    ["SomethingNew", 400, PermanentError],
    ["InternalFailure", 501, PermanentError],
  ])("maps %s (HTTP %i) to %o", (code, status, type) => {
    for (const make of [awsServiceError, sdkError]) {
      const raw = make(code, `the message for ${code}`, status);
      const mapped = toAwsError(raw, "CreateRoute", "route 10.8.0.0/24 in rtb-1");
      expect(mapped, make.name).toBeInstanceOf(type);
      expect(mapped.message).toContain("CreateRoute");
      expect(mapped.message).toContain("route 10.8.0.0/24 in rtb-1");
      expect(mapped.message).toContain(code);
      expect(mapped.message).toContain(`the message for ${code}`);
      expect(mapped.cause).toBe(raw);
    }
  });

  it.each([
    ["an error page without EC2's document (HTTP 502)", "UnknownError", 502, TransientError],
    ["an error page without EC2's document (HTTP 403)", "UnknownError", 403, PermanentError],
    ["a throttling answer without EC2's document (HTTP 429)", "UnknownError", 429, ThrottledError],
  ])("maps %s to %o", (_, code, status, type) => {
    expect(toAwsError(sdkError(code, "HTTP x", status), "Op", "r")).toBeInstanceOf(type);
  });

  it.each([
    ["throttling", { throttling: true }, ThrottledError],
    ["retryable", { throttling: false }, TransientError],
  ])("follows the SDK's $retryable for an unknown %s code", (_, $retryable, type) => {
    const raw = sdkError("SomethingNew", "m", 400, { $retryable });
    expect(toAwsError(raw, "Op", "r")).toBeInstanceOf(type);
  });

  it("maps the HTTP handler's timeouts to a TransientError", () => {
    const timeout = Object.assign(new Error("request timed out after 10000 ms"), {
      name: "TimeoutError",
    });
    const mapped = toAwsError(timeout, "DescribeVpcs", "VPCs");
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped.message).toContain("TimeoutError: request timed out after 10000 ms");
  });

  it("marks retryable kinds retryable and permanent ones not", () => {
    const of = (code: string, status = 400) =>
      toAwsError(awsServiceError(code, "m", status), "Op", "r");
    expect(of("RequestLimitExceeded").retryable).toBe(true);
    expect(of("InvalidRoute.NotFound").retryable).toBe(true);
    expect(of("RouteAlreadyExists").retryable).toBe(true);
    expect(of("InternalError", 500).retryable).toBe(true);
    expect(of("UnauthorizedOperation", 403).retryable).toBe(false);
  });

  it.each(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"])(
    "maps the network error %s to a TransientError",
    (code) => {
      const mapped = toAwsError(networkError(code), "DescribeRouteTables", "route tables");
      expect(mapped).toBeInstanceOf(TransientError);
      expect(mapped.message).toContain(code);
    },
  );

  it("names the IAM permission to grant for UnauthorizedOperation", () => {
    const sdk = awsServiceError("UnauthorizedOperation", "You are not authorized", 403);
    const mapped = toAwsError(sdk, "ReplaceRoute", "route 10.8.0.0/24 in rtb-1");
    expect(mapped.message).toContain("ec2:ReplaceRoute");
    expect(mapped.message).toContain("deploy/iam");
  });

  it("explains the tag limit in terms of managed CIDRs", () => {
    const sdk = awsServiceError("TagLimitExceeded", "The maximum number of Tags", 400);
    expect(toAwsError(sdk, "CreateTags", "rtb-1").message).toMatch(/ownership tag/);
  });

  it("reports missing credentials as permanent with the fix", () => {
    const error = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    const mapped = toAwsError(error, "DescribeRouteTables", "route tables");
    expect(mapped).toBeInstanceOf(PermanentError);
    expect(mapped.message).toMatch(/IRSA/);
  });

  it("treats programming errors as permanent and other unknown errors as transient", () => {
    expect(toAwsError(new TypeError("x is undefined"), "Op", "r")).toBeInstanceOf(PermanentError);
    expect(toAwsError(new Error("socket hang up"), "Op", "r")).toBeInstanceOf(TransientError);
  });

  it("passes typed errors through unchanged", () => {
    const typed = new ConflictError("already typed");
    expect(toAwsError(typed, "Op", "r")).toBe(typed);
  });
});

describe("awsErrorCode", () => {
  it("reads the code and message of the SDK's exception, also through a typed error's cause", () => {
    const raw = sdkError("InvalidParameterValue", "There is no route defined", 400);
    expect(awsErrorCode(raw)).toBe("InvalidParameterValue");
    expect(awsErrorCode(toAwsError(raw, "ReplaceRoute", "r"))).toBe("InvalidParameterValue");
    expect(awsErrorMessage(toAwsError(raw, "ReplaceRoute", "r"))).toBe("There is no route defined");
  });

  it("reads the code of the fakes' SDK-shaped error, also through a typed error's cause", () => {
    const sdk = awsServiceError("InvalidParameterValue", "There is no route defined");
    const typed = toAwsError(sdk, "ReplaceRoute", "r");
    expect(awsErrorCode(sdk)).toBe("InvalidParameterValue");
    expect(awsErrorCode(typed)).toBe("InvalidParameterValue");
    expect(awsErrorMessage(typed)).toBe("There is no route defined");
  });

  it("reads the Node code of a network error and nothing from a plain value", () => {
    expect(awsErrorCode(networkError("ECONNRESET"))).toBe("ECONNRESET");
    expect(awsErrorCode("boom")).toBeUndefined();
    expect(awsErrorCode(new VrsError("PERMANENT", "no cause", false))).toBeUndefined();
  });
});
