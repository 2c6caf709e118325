import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";
import { execPluginError } from "./credential-errors.js";
import { kubeApiError } from "./errors.js";
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
 * text of a 2xx answer, read up to `maxBodyBytes`; any other status becomes a KubeApiError.
 */
export async function sendKubeRequest(
  kubeConfig: KubeConfig,
  server: string,
  req: HttpRequest,
  signal: AbortSignal,
): Promise<string> {
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
  const ok = response.httpStatusCode >= 200 && response.httpStatusCode < 300;
  const text = await readBounded(
    response.body.stream(),
    ok ? maxBodyBytes : maxErrorBodyBytes,
    !ok,
  );
  if (ok) return text;
  throw kubeApiError(response.httpStatusCode, text, response.headers["retry-after"]);
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

/** Reads a body up to `limit` bytes; beyond it, truncates (error answers) or fails. */
async function readBounded(
  stream: ReadableStream<Uint8Array> | null | undefined,
  limit: number,
  truncate: boolean,
): Promise<string> {
  if (!stream) return "";
  const decoder = new TextDecoder();
  let text = "";
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
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text + decoder.decode();
}
