import { type KubeConfig, Watch } from "@kubernetes/client-node";
import { KubeApiError } from "./errors.js";
import { authenticate } from "./http.js";
import type { KubeStatus, WatchEvent } from "./types.js";

/** The event types a watcher is told about; ERROR ends the watch with an error instead. */
export type WatchEventType = Exclude<WatchEvent<unknown>["type"], "ERROR">;

/** How to watch, and what to do with each event. */
export interface WatchOptions<T> {
  /** The version to watch from: events after it. */
  readonly resourceVersion: string;
  /**
   * The server ends the watch cleanly after this long; the caller then watches again. Kept
   * under client-node's 30 s inactivity timeout, so only a dead connection trips that.
   */
  readonly timeoutSeconds: number;
  readonly onEvent: (type: WatchEventType, object: T) => void;
  readonly signal?: AbortSignal;
}

const eventTypes = new Set<string>(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);

/**
 * Watches `path` with client-node's Watch (bookmarks requested, so a resumed watch rarely sees
 * 410). Resolves when the server ends the stream cleanly; rejects when the connection breaks,
 * when a handler throws, or with a KubeApiError carrying the Status of an ERROR event (410 Gone
 * when the version is older than the server keeps).
 */
export function watchStream<T>(
  kubeConfig: KubeConfig,
  path: string,
  options: WatchOptions<T>,
): Promise<void> {
  const { signal } = options;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let controller: AbortController | undefined;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      controller?.abort();
      if (error === undefined || error === null) resolve();
      else reject(error);
    };
    const onAbort = () => settle(signal?.reason ?? new DOMException("aborted", "AbortError"));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const onEvent = (type: string, object: unknown) => {
      if (settled) return;
      try {
        if (type === "ERROR") {
          const status = object as KubeStatus;
          const message = status.message ?? "the watch ended with an error";
          throw new KubeApiError(status.code ?? 500, message, status.reason);
        }
        if (!eventTypes.has(type)) throw new Error(`the watch sent an unknown event type ${type}`);
        options.onEvent(type as WatchEventType, object as T);
      } catch (error) {
        settle(error);
      }
    };
    new Watch(throughAuthenticate(kubeConfig))
      .watch(
        path,
        {
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: options.timeoutSeconds,
        },
        onEvent,
        (error: unknown) => settle(asApiError(error)),
      )
      .then((started) => {
        controller = started;
        if (settled) started.abort();
      }, settle);
  });
}

/**
 * The KubeConfig as the Watch sees it: its credentials are applied through `authenticate`, so
 * an exec plugin's failure is reported without its output and the connection pool is shared
 * with every other request.
 */
function throughAuthenticate(kubeConfig: KubeConfig): KubeConfig {
  const view = Object.create(kubeConfig) as KubeConfig;
  view.applySecurityAuthentication = (context) => authenticate(kubeConfig, context);
  return view;
}

/** client-node reports a non-200 answer to the watch request as an Error with `statusCode`. */
function asApiError(error: unknown): unknown {
  if (error instanceof Error && "statusCode" in error && typeof error.statusCode === "number") {
    return new KubeApiError(error.statusCode, error.message);
  }
  return error ?? undefined;
}
