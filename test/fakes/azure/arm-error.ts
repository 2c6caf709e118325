/**
 * An ARM error response, thrown by handlers and rendered by the server in the common ARM shape
 * `{ "error": { "code", "message", "details": [] } }` (Azure REST API guidelines, "Error
 * response"; https://learn.microsoft.com/rest/api/azure/#error-response). Keeping the status,
 * code and headers together is what lets the SDK surface a faithful `RestError`.
 */
export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "ArmError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The response body ARM sends for this error. */
  body(): { error: { code: string; message: string; details: never[] } } {
    return { error: { code: this.code, message: this.message, details: [] } };
  }
}

/** 404 for a top-level resource, in the wording ARM uses (`ResourceNotFound`). */
export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. ` +
      "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
  );
}

/** 404 for a child resource of an existing parent, as the network provider words it (`NotFound`). */
export function childNotFound(id: string): ArmError {
  return new ArmError(404, "NotFound", `Resource ${id} not found.`);
}

/**
 * 409 while another write holds the parent resource, with the status URL ARM puts in the message
 * (seen verbatim from NRP: "Another operation on this or dependent resource is in progress...").
 */
export function anotherOperationInProgress(statusUrl: string): ArmError {
  return new ArmError(
    409,
    "AnotherOperationInProgress",
    "Another operation on this or dependent resource is in progress. To retrieve status of the " +
      `operation use uri: ${statusUrl}.`,
  );
}

/** 429 while the table is busy, as ARM throttles a resource it is still writing. */
export function busyTableThrottled(retryAfterSeconds: number): ArmError {
  return new ArmError(
    429,
    "TooManyRequests",
    `The request was throttled because another operation on this resource is in progress. Please try again after '${retryAfterSeconds}' seconds.`,
    { "retry-after": String(retryAfterSeconds) },
  );
}

/** 412 when an If-Match etag no longer matches (ARM optimistic concurrency). */
export function preconditionFailed(id: string, expected: string): ArmError {
  return new ArmError(
    412,
    "PreconditionFailed",
    `Precondition failed for resource ${id}: If-Match ${expected} does not match the current etag.`,
  );
}

/** 400 for a body that is not what the operation expects. */
export function badRequest(code: string, message: string): ArmError {
  return new ArmError(400, code, message);
}
