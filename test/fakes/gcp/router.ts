/**
 * Maps HTTP requests to the REST methods of the fake, exactly at the paths of the Compute Engine
 * v1 `google.api.http` bindings that @google-cloud/compute's REST transport calls (checked
 * against build/protos/protos.json of @google-cloud/compute 7.8). Counts each call, applies
 * injected faults, checks for a bearer token, and turns ApiFailure into a Google error body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallLog } from "./calls.js";
import type { FakeEnv, Handler } from "./env.js";
import type { Fault, FaultInjector } from "./faults.js";
import { ApiFailure, errorBody, statusFailure } from "./google-errors.js";
import { readJsonBody, sendJson } from "./http-io.js";
import { getInstance } from "./instances.js";
import { aggregatedListSubnetworks, getNetwork, listSubnetworks } from "./networks.js";
import { advanceOperations, getOperation, waitOperation } from "./operations.js";
import { deleteRoute, getRoute, insertRoute, listRoutes } from "./routes.js";

interface Binding {
  readonly method: string;
  readonly pattern: RegExp;
  readonly operation: string;
  readonly handler: Handler;
}

function bind(method: string, template: string, operation: string, handler: Handler): Binding {
  const source = template.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)");
  return { method, pattern: new RegExp(`^${source}$`), operation, handler };
}

const v1 = "/compute/v1/projects/{project}";
const bindings: readonly Binding[] = [
  bind("POST", `${v1}/global/routes`, "routes.insert", insertRoute),
  bind("GET", `${v1}/global/routes`, "routes.list", listRoutes),
  bind("GET", `${v1}/global/routes/{route}`, "routes.get", getRoute),
  bind("DELETE", `${v1}/global/routes/{route}`, "routes.delete", deleteRoute),
  bind("GET", `${v1}/global/operations/{operation}`, "globalOperations.get", getOperation),
  bind("POST", `${v1}/global/operations/{operation}/wait`, "globalOperations.wait", waitOperation),
  bind("GET", `${v1}/zones/{zone}/instances/{instance}`, "instances.get", getInstance),
  bind("GET", `${v1}/global/networks/{network}`, "networks.get", getNetwork),
  bind(
    "GET",
    `${v1}/aggregated/subnetworks`,
    "subnetworks.aggregatedList",
    aggregatedListSubnetworks,
  ),
  bind("GET", `${v1}/regions/{region}/subnetworks`, "subnetworks.list", listSubnetworks),
];

/** What the router needs besides the handlers' environment. */
export interface RouterDeps {
  readonly env: FakeEnv;
  readonly calls: CallLog;
  readonly faults: FaultInjector;
  /** When set, the bearer token every request must carry. */
  readonly accessToken: string | undefined;
  /** Resolves when the server is closing, so held (timeout) responses let go. */
  readonly closing: Promise<void>;
}

const unauthenticated = new ApiFailure(
  401,
  "required",
  "Request is missing required authentication credential. Expected OAuth 2 access token.",
);

/** Serves one request; never throws. */
export async function route(
  deps: RouterDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake.invalid");
  const method = req.method ?? "GET";
  const found = bindings
    .map((b) => ({ b, match: b.method === method ? b.pattern.exec(url.pathname) : null }))
    .find((m) => m.match !== null);
  if (!found?.match) {
    res.writeHead(404, { "content-type": "text/html; charset=UTF-8" });
    res.end(
      `<!DOCTYPE html><title>Error 404 (Not Found)!!1</title><p>The requested URL <code>${url.pathname}</code> was not found on this server.`,
    );
    return;
  }
  const { operation, handler } = found.b;
  const record = (status: number, faulted: boolean) =>
    deps.calls.record({ operation, method, path: url.pathname, status, faulted });
  const auth = req.headers.authorization ?? "";
  if (!auth.startsWith("Bearer ") || (deps.accessToken && auth !== `Bearer ${deps.accessToken}`)) {
    sendJson(res, 401, errorBody(unauthenticated), {
      "www-authenticate": 'Bearer realm="https://accounts.google.com/"',
    });
    record(401, false);
    return;
  }
  const fault = deps.faults.take(operation);
  if (fault && !fault.afterApply) {
    await answerFault(deps, fault, req, res, (status) => record(status, true));
    return;
  }
  let status = 200;
  let body: unknown;
  try {
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(found.match.groups ?? {}))
      params[key] = decodeURIComponent(value);
    const requestBody = method === "POST" ? await readJsonBody(req) : {};
    advanceOperations(deps.env);
    const hangUp = new AbortController();
    res.once("close", () => hangUp.abort());
    void deps.closing.then(() => hangUp.abort());
    body = await handler(deps.env, {
      params,
      query: url.searchParams,
      body: requestBody,
      signal: hangUp.signal,
    });
  } catch (error) {
    const failure =
      error instanceof ApiFailure ? error : new ApiFailure(500, "backendError", String(error));
    status = failure.status;
    body = errorBody(failure);
  }
  if (fault) {
    await answerFault(deps, fault, req, res, (status) => record(status, true));
    return;
  }
  sendJson(res, status, body);
  record(status, false);
}

async function answerFault(
  deps: RouterDeps,
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  record: (status: number) => void,
): Promise<void> {
  if (fault.kind === "status") {
    const failure = statusFailure(fault.status, fault.reason, fault);
    const headers: Record<string, string> =
      fault.retryAfterSeconds === undefined
        ? {}
        : { "retry-after": String(fault.retryAfterSeconds) };
    sendJson(res, failure.status, errorBody(failure), headers);
    record(failure.status);
    return;
  }
  // Recorded before holding, so a test sees the call while the client is still waiting.
  record(0);
  if (fault.kind === "timeout") {
    await Promise.race([
      deps.closing,
      new Promise<void>((resolve) => res.once("close", resolve)),
      ...(fault.holdMs === undefined
        ? []
        : [new Promise<void>((r) => setTimeout(r, fault.holdMs).unref())]),
    ]);
  }
  req.socket.destroy();
}
