import type { IncomingMessage } from "node:http";
import { KubeApiError } from "./errors.js";
import { LineSplitter } from "./lines.js";
import type { KubeStatus, WatchEvent } from "./types.js";

/** The event types a watcher is told about; ERROR ends the watch with an error instead. */
export type WatchEventType = Exclude<WatchEvent<unknown>["type"], "ERROR">;

/** How to watch, and what to do with each event. */
export interface WatchOptions<T> {
  /** The version to watch from: events after it. */
  readonly resourceVersion: string;
  /** The server ends the watch cleanly after this long; the caller then watches again. */
  readonly timeoutSeconds: number;
  readonly onEvent: (type: WatchEventType, object: T) => void;
  readonly signal?: AbortSignal;
}

/** Grace past `timeoutSeconds` before a silent stream counts as a dead connection. */
export const watchGraceMs = 30_000;

/** Query parameters of a watch request, bookmarks on so a resumed watch rarely sees 410. */
export function watchQuery<T>(options: WatchOptions<T>): Record<string, string | number | boolean> {
  return {
    watch: true,
    resourceVersion: options.resourceVersion,
    allowWatchBookmarks: true,
    timeoutSeconds: options.timeoutSeconds,
  };
}

/**
 * Reads a watch stream one line (one event) at a time. Resolves when the server ends the stream
 * cleanly; rejects on a broken connection, on a malformed line, or with a KubeApiError carrying
 * the Status of an ERROR event (410 Gone when the version is older than the server keeps).
 */
export function readWatchStream<T>(res: IncomingMessage, options: WatchOptions<T>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else {
        res.destroy();
        reject(error);
      }
    };
    const lines = new LineSplitter((line) => {
      const event = JSON.parse(line) as WatchEvent<T>;
      if (event.type === "ERROR") {
        const status = event.object as KubeStatus;
        throw new KubeApiError(
          status.code ?? 500,
          status.message ?? "the watch ended with an error",
          status.reason,
        );
      }
      options.onEvent(event.type, event.object);
    });
    res.on("data", (chunk: Buffer) => {
      if (settled) return;
      try {
        lines.push(chunk);
      } catch (error) {
        settle(error);
      }
    });
    res.on("end", () => {
      try {
        lines.end();
        settle();
      } catch (error) {
        settle(error);
      }
    });
    res.on("error", (error) => settle(error));
    res.on("close", () => settle(new Error("the watch connection closed before the stream ended")));
  });
}
