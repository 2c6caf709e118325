import { childOf, parseXml, textOf, type XmlElement } from "./xml.js";

/** What EC2 said when a call failed; `errors.ts` maps it to the controller's typed errors. */
export interface Ec2ApiErrorInit {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  readonly requestId?: string | undefined;
  /** "server" when the answer itself was broken (retrying may help), as the SDK's `$fault`. */
  readonly fault?: "client" | "server";
}

/**
 * A failed EC2 call: the `<Code>` of EC2's error response (`InvalidRoute.NotFound`,
 * `RequestLimitExceeded`...), its `<Message>`, the HTTP status and the request id to quote to
 * AWS support. Thrown by the query client only; everything else sees typed errors.
 */
export class Ec2ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly fault: "client" | "server";
  constructor(init: Ec2ApiErrorInit) {
    super(init.message);
    this.name = "Ec2ApiError";
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.fault = init.fault ?? (init.status >= 500 ? "server" : "client");
  }
}

/** Used when an error answer carries no EC2 error document (a proxy's 502, an HTML page). */
export const unknownErrorCode = "UnknownError";

/** The first 200 characters of a body that is not an EC2 document, for the message. */
const excerpt = (body: string) => body.replace(/\s+/g, " ").trim().slice(0, 200);

/**
 * Reads EC2's error document, `<Response><Errors><Error><Code/><Message/></Error></Errors>
 * <RequestID/></Response>`. A body that is not one still becomes an Ec2ApiError, with code
 * UnknownError, so the HTTP status alone decides whether it is retried.
 */
export function readErrorResponse(status: number, body: string): Ec2ApiError {
  let root: XmlElement | undefined;
  try {
    root = parseXml(body);
  } catch {
    root = undefined;
  }
  const error = childOf(childOf(root, "Errors"), "Error");
  const code = textOf(error, "Code");
  if (root?.name !== "Response" || code === undefined || code === "") {
    const shown = excerpt(body);
    return new Ec2ApiError({
      code: unknownErrorCode,
      message: `HTTP ${status}${shown === "" ? " with an empty body" : `: ${shown}`}`,
      status,
    });
  }
  return new Ec2ApiError({
    code,
    message: textOf(error, "Message") ?? "",
    status,
    requestId: textOf(root, "RequestID") ?? textOf(root, "RequestId"),
  });
}

/** A request that got no (complete) answer in time; mapped like the SDK's timeouts (transient). */
export function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: "TimeoutError", code: "ETIMEDOUT" });
}
