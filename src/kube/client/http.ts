import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";
import { execPluginError } from "./credential-errors.js";
import { kubeApiError } from "./errors.js";
import { ListParser } from "./list-stream.js";
import type { ListMeta } from "./paging.js";
import { shareDispatcher } from "./shared-dispatcher.js";

/** One HTTP exchange with the API server. */
export interface HttpRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the server URL, e.g. `/api/v1/nodes/a`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Default application/json. */
  readonly contentType?: string;
}

/** An error answer's body is read only this far: it is a Status, or a proxy's error page. */
const maxErrorBodyBytes = 64 * 1024;
/**
 * One answer is at most this large. etcd stores objects of at most 1.5 MiB and lists come in
 * pages of 500, so a larger answer is hostile or broken and is refused before it is parsed.
 */
export const maxBodyBytes = 64 * 1024 * 1024;

const library = new IsomorphicFetchHttpLibrary();

/**
 * Sends one request through @kubernetes/client-node's own plumbing: the KubeConfig applies the
 * credentials (certificates, token, token file, exec plugin, in-cluster token), TLS settings,
 * impersonation and the proxy dispatcher, and its fetch library sends it. Resolves with the
 * body of a 2xx answer; any other status becomes a KubeApiError.
 */
async function exchange(
  kubeConfig: KubeConfig,
  server: string,
  req: HttpRequest,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array> | null> {
  const url = new URL(`${server}${req.path}`);
  for (const [name, value] of Object.entries(req.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  const context = new RequestContext(url.toString(), HttpMethod[req.method]);
  context.setHeaderParam("Accept", "application/json");
  if (req.body !== undefined) {
    context.setHeaderParam("Content-Type", req.contentType ?? "application/json");
    context.setBody(JSON.stringify(req.body));
  }
  await authenticate(kubeConfig, context);
  signal.throwIfAborted();
  context.setSignal(signal);
  const response = await library.send(context).toPromise();
  const body = response.body.stream();
  if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) return body;
  const text = await readText(body, maxErrorBodyBytes, true);
  throw kubeApiError(response.httpStatusCode, text, response.headers["retry-after"]);
}

/** Sends one request; resolves with the text of its 2xx answer, read up to `maxBodyBytes`. */
export async function sendKubeRequest(
  kubeConfig: KubeConfig,
  server: string,
  req: HttpRequest,
  signal: AbortSignal,
): Promise<string> {
  return readText(await exchange(kubeConfig, server, req, signal), maxBodyBytes, false);
}

/**
 * Sends a list request and parses its answer while it arrives, handing each item to `onItem`
 * as soon as it is complete (see list-stream.ts); resolves with the list's metadata.
 */
export async function streamKubeList<T>(
  kubeConfig: KubeConfig,
  server: string,
  req: HttpRequest,
  signal: AbortSignal,
  onItem: (item: T) => void,
): Promise<ListMeta> {
  const parser = new ListParser<T>(onItem);
  await readChunks(await exchange(kubeConfig, server, req, signal), maxBodyBytes, false, (chunk) =>
    parser.write(chunk),
  );
  return parser.end();
}

/**
 * Applies the KubeConfig's credentials to a request. An exec credential plugin's failure comes
 * out of client-node with the plugin's stderr (or stdout) as its text, which may be a token; it
 * is replaced by an error naming only the command.
 */
export async function authenticate(kubeConfig: KubeConfig, context: RequestContext): Promise<void> {
  try {
    await kubeConfig.applySecurityAuthentication(context);
    shareDispatcher(kubeConfig, context);
  } catch (error) {
    const exec = kubeConfig.getCurrentUser()?.exec as { command?: unknown } | undefined;
    if (exec === undefined || exec === null) throw error;
    throw execPluginError(String(exec.command ?? "(no command)"), error);
  }
}

/**
 * Hands a body's chunks to `consume` up to `limit` bytes; beyond it, stops (error answers, which
 * are only quoted) or fails before the excess is consumed.
 */
async function readChunks(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  truncate: boolean,
  consume: (chunk: Uint8Array) => void,
): Promise<void> {
  if (!stream) return;
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        if (truncate) break;
        throw new Error(`the API server's answer exceeded ${limit} bytes; refused`);
      }
      consume(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Reads a body as text up to `limit` bytes (see readChunks). */
async function readText(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  truncate: boolean,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  await readChunks(stream, limit, truncate, (chunk) => {
    text += decoder.decode(chunk, { stream: true });
  });
  return text + decoder.decode();
}
