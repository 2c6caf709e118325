import type { KubeConfig } from "@kubernetes/client-node";
import { PermanentError } from "../../errors.js";
import { classifyKubeError } from "./errors.js";
import { type HttpRequest, sendKubeRequest, streamKubeList } from "./http.js";
import { listCollection } from "./list-collection.js";
import { type ListMeta, type ListOptions, listInPages } from "./paging.js";
import { type WatchOptions, watchStream } from "./watch.js";

/** Per-call options: what the call does (for messages), its timeout and cancellation. */
export interface CallOptions {
  /** E.g. `reading node a`; default `GET /api/v1/nodes/a`. */
  readonly what?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Appended to a 401/403 message: the permission to grant. */
  readonly forbiddenHint?: string;
}

/** Bound on a single request. */
const requestTimeoutMs = 30_000;
/** Bound on each list page. */
const listTimeoutMs = 60_000;
/** Grace past a watch's `timeoutSeconds` before a silent stream counts as dead. */
const watchGraceMs = 30_000;

/** A signal that aborts after `ms` with a TimeoutError, or when `signal` aborts. */
function deadline(ms: number, signal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

/**
 * The controller's Kubernetes API client: the verbs it uses (get, create, replace, server-side
 * apply, paged list, watch) on @kubernetes/client-node's KubeConfig, request plumbing and Watch.
 * What it adds is what the controller needs around them: bounds on time and size, paging with
 * restart on an expired continue token, and every failure as one of the project's typed errors
 * with the HTTP answer as its cause.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly server: string;

  constructor(kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) {
      throw new PermanentError("the kubeconfig has no current cluster; set current-context");
    }
    this.kubeConfig = kubeConfig;
    this.server = cluster.server.replace(/\/+$/, "");
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

  /**
   * Lists everything under `path` page by page; returns the resourceVersion to watch from. After
   * a large list, one full garbage collection follows (list-collection.ts).
   */
  async list<T>(
    path: string,
    options: ListOptions<T> & { readonly what?: string },
  ): Promise<string> {
    const what = options.what ?? `listing ${path}`;
    const timeoutMs = options.timeoutMs ?? listTimeoutMs;
    let read = 0;
    const counted: ListOptions<T> = {
      ...options,
      onItem: (item) => {
        read++;
        options.onItem(item);
      },
    };
    try {
      return await listInPages<T>(
        (query, onItem): Promise<ListMeta> =>
          this.exchange(
            { method: "GET", path, query },
            { what, timeoutMs, signal: options.signal },
            (req, signal) => streamKubeList(this.kubeConfig, this.server, req, signal, onItem),
          ),
        counted,
      );
    } finally {
      listCollection.listed(read);
    }
  }

  /** Watches `path` until the server ends the stream; rejects on 410 Gone and broken streams. */
  async watch<T>(
    path: string,
    options: WatchOptions<T> & { readonly what?: string },
  ): Promise<void> {
    const timeoutMs = options.timeoutSeconds * 1000 + watchGraceMs;
    const signal = deadline(timeoutMs, options.signal);
    try {
      await watchStream(this.kubeConfig, path, { ...options, signal });
    } catch (error) {
      throw classifyKubeError(signal.aborted ? signal.reason : error, {
        what: options.what ?? `watching ${path}`,
        timeoutMs,
      });
    }
  }

  private async call<T>(req: HttpRequest, options: CallOptions): Promise<T> {
    return this.exchange(req, options, async (r, signal) =>
      JSON.parse(await sendKubeRequest(this.kubeConfig, this.server, r, signal)),
    );
  }

  /** Runs one exchange under the call's deadline; any failure becomes a typed error. */
  private async exchange<R>(
    req: HttpRequest,
    options: CallOptions,
    send: (req: HttpRequest, signal: AbortSignal) => Promise<R>,
  ): Promise<R> {
    const timeoutMs = options.timeoutMs ?? requestTimeoutMs;
    const signal = deadline(timeoutMs, options.signal);
    try {
      return await send(req, signal);
    } catch (error) {
      throw classifyKubeError(signal.aborted ? signal.reason : error, {
        what: options.what ?? `${req.method} ${req.path}`,
        timeoutMs,
        forbiddenHint: options.forbiddenHint,
      });
    }
  }
}

const clients = new WeakMap<KubeConfig, KubeClient>();

/** Anything the controller can reach the API server through. */
export type KubeSource = KubeClient | KubeConfig;

/**
 * The client for a source; one per KubeConfig, so every informer, the elector and the writers
 * of one controller share client-node's connection pool and credential caches.
 */
export function kubeClientFor(source: KubeSource): KubeClient {
  if (source instanceof KubeClient) return source;
  let client = clients.get(source);
  if (client === undefined) {
    client = new KubeClient(source);
    clients.set(source, client);
  }
  return client;
}
