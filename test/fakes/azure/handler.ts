import type { IncomingHttpHeaders } from "node:http";
import { anotherOperationInProgress, busyTableThrottled } from "./arm-error.js";
import type { OperationError } from "./operations.js";
import { operationStatusPath } from "./operations.js";
import { idKey } from "./resource-id.js";
import type { MatchedRequest } from "./router.js";
import type { FakeAzureStore } from "./store.js";

/** Knobs that shape the fake's long-running operations. */
export interface FakeAzureSettings {
  /** How long a route write stays `InProgress` (and holds its route table). */
  operationDurationMs: number;
  /** `Retry-After` (seconds) on LRO responses; real ARM sends one, tests usually leave it off. */
  lroRetryAfterSeconds: number | undefined;
  /**
   * Whether writes honour `If-Match`. The 2024-05-01..2026-01-01 specs declare no `If-Match` on
   * RouteTables_UpdateTags or Routes_CreateOrUpdate and ARM leaves ETag checks to each resource
   * provider, so the default is to ignore it; tests run both ways.
   */
  honourIfMatch: boolean;
  /**
   * How a write to a route table that another operation holds is refused: a synchronous 409
   * `AnotherOperationInProgress` (default), or a 429 with Retry-After (ARM throttling while busy).
   * A long-running operation failing with that code is the `asyncFailure` fault.
   */
  busyTable: "conflict" | "throttle";
  /** A route DELETE's 202 carries Azure-AsyncOperation and Location (default) or only Location. */
  deleteLroHeaders: "both" | "location";
  /** routes.list page size; further pages through `nextLink` (default: everything in one page). */
  routesPageSize: number | undefined;
}

/** Everything a handler needs about one request. */
export interface HandlerContext {
  readonly store: FakeAzureStore;
  readonly match: MatchedRequest;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** The request's query parameters (`$skipToken` of a nextLink). */
  readonly query: URLSearchParams;
  readonly apiVersion: string;
  /** `https://127.0.0.1:<port>`, for the absolute URLs in Azure-AsyncOperation and Location. */
  readonly endpoint: string;
  readonly settings: FakeAzureSettings;
  /** Set by an injected `asyncFailure` fault: the write's operation will end `Failed`. */
  readonly asyncFailure: OperationError | undefined;
}

/** What a handler answers; the server adds the common ARM headers. */
export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** A handler of one operation. */
export type Handler = (context: HandlerContext) => FakeResponse;

/** Absolute URL of a fake path with the request's api-version, as ARM builds polling URLs. */
export function absoluteUrl(context: HandlerContext, path: string): string {
  return `${context.endpoint}${path}?api-version=${context.apiVersion}`;
}

/** Refuses a write while an operation holds the route table `tableId` (409, or 429 if so set). */
export function assertTableIdle(context: HandlerContext, tableId: string): void {
  const running = context.store.operations.running(idKey(tableId));
  if (!running) return;
  if (context.settings.busyTable === "throttle") throw busyTableThrottled(1);
  throw anotherOperationInProgress(absoluteUrl(context, operationStatusPath(running)));
}

/** The `If-Match` header, when a client sent one and the fake is set to honour it. */
export function ifMatch(context: HandlerContext): string | undefined {
  if (!context.settings.honourIfMatch) return undefined;
  const value = context.headers["if-match"];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `Retry-After` for LRO responses, when configured. */
export function lroRetryAfter(context: HandlerContext): Record<string, string> {
  const seconds = context.settings.lroRetryAfterSeconds;
  return seconds === undefined ? {} : { "retry-after": String(seconds) };
}
