import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { ArmError } from "./arm-error.js";
import type { FaultEffect, FaultInjector } from "./faults.js";
import type { FakeAzureSettings, FakeResponse, Handler } from "./handler.js";
import { parseJsonBody } from "./json.js";
import {
  getNetworkInterface,
  getOperationResult,
  getOperationStatus,
  getVirtualMachine,
  getVirtualNetwork,
  listScaleSetVmNetworkInterfaces,
} from "./resource-handlers.js";
import { createOrUpdateRoute, deleteRoute, getRoute, listRoutes } from "./route-handlers.js";
import { type MatchedRequest, matchRequest, type OperationName } from "./router.js";
import type { FakeAzureStore } from "./store.js";
import { getRouteTable, updateTagsAtScope } from "./table-handlers.js";

const handlers: Record<OperationName, Handler> = {
  "routeTables.get": getRouteTable,
  "tags.updateAtScope": updateTagsAtScope,
  "routes.list": listRoutes,
  "routes.get": getRoute,
  "routes.createOrUpdate": createOrUpdateRoute,
  "routes.delete": deleteRoute,
  "networkInterfaces.get": getNetworkInterface,
  "networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces":
    listScaleSetVmNetworkInterfaces,
  "virtualMachines.get": getVirtualMachine,
  "virtualNetworks.get": getVirtualNetwork,
  "operations.get": getOperationStatus,
  "operationResults.get": getOperationResult,
};

/** One request as the fake saw it, for call counting and assertions. */
export interface CallRecord {
  readonly operation: OperationName | "unknown";
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | undefined;
  /** HTTP status answered; 0 when an injected fault dropped the connection. */
  readonly status: number;
  /** ARM error code of an error answer. */
  readonly code: string | undefined;
}

/** What the front door shares with the control API. */
export interface FrontDoorDeps {
  readonly store: FakeAzureStore;
  readonly faults: FaultInjector;
  readonly log: CallRecord[];
  readonly settings: FakeAzureSettings;
  readonly endpoint: () => string;
}

/**
 * The part of ARM in front of the resource provider: bearer-token check, routing, api-version
 * validation (ARM answers 400 MissingApiVersionParameter), throttling and injected faults, and
 * the common response headers. Errors leave in the ARM error shape.
 */
export function createRequestListener(
  deps: FrontDoorDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(deps, req, res);
  };
}

async function handle(deps: FrontDoorDeps, req: IncomingMessage, res: ServerResponse) {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", deps.endpoint());
  const match = matchRequest(method, url.pathname);
  const apiVersion = url.searchParams.get("api-version") ?? undefined;
  const record = (status: number, code?: string): void => {
    const operation = match?.operation ?? "unknown";
    deps.log.push({ operation, method, path: url.pathname, apiVersion, status, code });
  };
  const text = await readBody(req);
  let response: FakeResponse;
  try {
    const checked = checkRequest(req, match, apiVersion);
    const effect = deps.faults.take(checked.match.operation);
    if (effect && "status" in effect) throw faultError(effect);
    if (effect && "reset" in effect) {
      record(0);
      req.socket.destroy();
      return;
    }
    if (effect && "delayMs" in effect) await delay(effect.delayMs);
    const body = parseJsonBody(text);
    if (!body.ok) throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request.");
    deps.store.operations.settle();
    response = handlers[checked.match.operation]({
      store: deps.store,
      match: checked.match,
      body: body.value,
      headers: req.headers,
      query: url.searchParams,
      apiVersion: checked.apiVersion,
      endpoint: deps.endpoint(),
      settings: deps.settings,
      asyncFailure: effect && "asyncFailure" in effect ? effect.asyncFailure : undefined,
    });
  } catch (error) {
    const arm =
      error instanceof ArmError
        ? error
        : new ArmError(500, "InternalServerError", "An error occurred.");
    response = { status: arm.status, headers: arm.headers, body: arm.body() };
  }
  record(response.status, errorCodeOf(response.body));
  send(res, response);
}

/** Authentication, routing and api-version checks, in the order ARM applies them. */
function checkRequest(
  req: IncomingMessage,
  match: MatchedRequest | undefined,
  apiVersion: string | undefined,
): { match: MatchedRequest; apiVersion: string } {
  if (!/^Bearer \S+$/.test(req.headers.authorization ?? "")) {
    throw new ArmError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
    );
  }
  if (!match) {
    throw new ArmError(404, "InvalidResourceType", "The resource type could not be found.");
  }
  if (apiVersion === undefined) {
    throw new ArmError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid.`,
    );
  }
  return { match, apiVersion };
}

/** The ARM error an injected status fault answers with (429s carry Retry-After when set). */
function faultError(effect: Extract<FaultEffect, { status: number }>): ArmError {
  const retryAfter = effect.retryAfterSeconds;
  const headers: Record<string, string> =
    retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
  const message =
    effect.message ??
    (effect.status === 429
      ? `Number of requests for subscription exceeded the limit. Please try again after '${retryAfter ?? 0}' seconds.`
      : "An injected fault answered this request.");
  return new ArmError(effect.status, effect.code, message, headers);
}

function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = body.error;
  return typeof error === "object" && error !== null && "code" in error
    ? String(error.code)
    : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, response: FakeResponse): void {
  const headers: Record<string, string> = {
    "x-ms-request-id": randomUUID(),
    "x-ms-correlation-request-id": randomUUID(),
    "cache-control": "no-cache",
    ...response.headers,
  };
  if (response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  headers["content-type"] = "application/json; charset=utf-8";
  // ARM RPC: a resource with an etag in its body returns it in the ETag header as well.
  const etag =
    typeof response.body === "object" && response.body !== null
      ? Reflect.get(response.body, "etag")
      : undefined;
  if (typeof etag === "string") headers.etag = etag;
  res.writeHead(response.status, headers).end(JSON.stringify(response.body));
}
