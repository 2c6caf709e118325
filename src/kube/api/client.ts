import type { KubeAccess } from "./access.js";
import { classifyKubeError } from "./errors.js";
import { ListScanner } from "./list-scanner.js";
import { type ListMeta, type ListOptions, listInPages } from "./paging.js";
import { type HttpRequest, KubeTransport } from "./transport.js";
import { readWatchStream, type WatchOptions, watchGraceMs, watchQuery } from "./watch.js";

/** Defaults for every call of one client. */
export interface KubeClientOptions {
  /** Bound on a single request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Bound on each list page (default 60 s). */
  readonly listTimeoutMs?: number;
  readonly userAgent?: string;
}

/** Per-call options: what the call does (for messages), its timeout and cancellation. */
export interface CallOptions {
  /** E.g. `reading node a`; default `GET /api/v1/nodes/a`. */
  readonly what?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Appended to a 401/403 message: the permission to grant. */
  readonly forbiddenHint?: string;
}

/** A signal that aborts after `ms` with a TimeoutError, or when `signal` aborts. */
function deadline(ms: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

/**
 * The controller's Kubernetes API client: the handful of verbs it uses (get, create, replace,
 * server-side apply, paged list, watch) over one keep-alive connection pool. Every failure
 * comes out as one of the project's typed errors, with the HTTP answer as its cause.
 */
export class KubeClient {
  readonly server: string;
  private readonly transport: KubeTransport;
  private readonly requestTimeoutMs: number;
  private readonly listTimeoutMs: number;

  constructor(access: KubeAccess, options: KubeClientOptions = {}) {
    this.server = access.server;
    this.transport = new KubeTransport(
      access,
      options.userAgent ?? `vpc-route-sync (node ${process.version})`,
    );
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.listTimeoutMs = options.listTimeoutMs ?? 60_000;
  }

  get<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>({ method: "GET", path }, options);
  }

  create<T>(path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.call<T>({ method: "POST", path, body }, options);
  }

  replace<T>(path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.call<T>({ method: "PUT", path, body }, options);
  }

  /** Server-side apply: `body` holds only the fields `fieldManager` owns. */
  apply<T>(
    path: string,
    body: unknown,
    fieldManager: string,
    options: CallOptions & { readonly force?: boolean } = {},
  ): Promise<T> {
    return this.call<T>(
      {
        method: "PATCH",
        path,
        body,
        // JSON is YAML, so the apply patch is sent as JSON.
        contentType: "application/apply-patch+yaml",
        query: { fieldManager, force: options.force ? true : undefined },
      },
      options,
    );
  }

  /** Lists everything under `path` page by page; returns the resourceVersion to watch from. */
  list<T>(path: string, options: ListOptions<T> & { readonly what?: string }): Promise<string> {
    const call = {
      what: options.what ?? `listing ${path}`,
      timeoutMs: options.timeoutMs ?? this.listTimeoutMs,
      signal: options.signal,
    };
    return listInPages<T>(
      (query, onItem) => this.page({ method: "GET", path, query }, onItem, call),
      options,
    );
  }

  /** Watches `path` until the server ends the stream; rejects on 410 Gone and broken streams. */
  async watch<T>(
    path: string,
    options: WatchOptions<T> & { readonly what?: string },
  ): Promise<void> {
    const timeoutMs = options.timeoutSeconds * 1000 + watchGraceMs;
    const signal = deadline(timeoutMs, options.signal);
    try {
      const res = await this.transport.open(
        { method: "GET", path, query: watchQuery(options) },
        signal,
      );
      await readWatchStream(res, options);
    } catch (error) {
      throw classifyKubeError(signal.aborted ? signal.reason : error, {
        what: options.what ?? `watching ${path}`,
        timeoutMs,
      });
    }
  }

  /** One list page, its items parsed one by one as they arrive. */
  private async page<T>(
    req: HttpRequest,
    onItem: (item: T) => void,
    options: CallOptions & { readonly timeoutMs: number },
  ): Promise<ListMeta> {
    const signal = deadline(options.timeoutMs, options.signal);
    try {
      const res = await this.transport.open(req, signal);
      const scanner = new ListScanner((json) => onItem(JSON.parse(json) as T));
      for await (const chunk of res as AsyncIterable<Buffer>) scanner.push(chunk);
      scanner.end();
      return (scanner.metadata ?? {}) as ListMeta;
    } catch (error) {
      throw classifyKubeError(signal.aborted ? signal.reason : error, {
        what: options.what ?? `listing ${req.path}`,
        timeoutMs: options.timeoutMs,
      });
    }
  }

  private async call<T>(req: HttpRequest, options: CallOptions): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const signal = deadline(timeoutMs, options.signal);
    try {
      return JSON.parse(await this.transport.text(req, signal)) as T;
    } catch (error) {
      throw classifyKubeError(error, {
        what: options.what ?? `${req.method} ${req.path}`,
        timeoutMs,
        forbiddenHint: options.forbiddenHint,
      });
    }
  }
}
