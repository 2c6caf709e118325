import type { IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { KubeAccess } from "./access.js";
import { kubeApiError } from "./errors.js";
import { nodeHttp } from "./node-http.js";

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
/** One object is at most a few MB (etcd stores 1.5 MiB); a far larger answer is refused. */
const maxBodyBytes = 64 * 1024 * 1024;

/**
 * HTTP(S) to one API server over node:https with keep-alive connections. It knows nothing of
 * Kubernetes semantics: non-2xx answers become KubeApiError, an aborted `signal` destroys the
 * exchange with the signal's reason (a TimeoutError for a timeout).
 */
export class KubeTransport {
  private readonly access: KubeAccess;
  private readonly userAgent: string;
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, keepAliveMsecs: 30_000 });
  private readonly httpAgent = new nodeHttp.Agent({ keepAlive: true, keepAliveMsecs: 30_000 });

  constructor(access: KubeAccess, userAgent: string) {
    this.access = access;
    this.userAgent = userAgent;
  }

  /** Sends the request; resolves with the response stream of a 2xx answer. */
  async open(req: HttpRequest, signal: AbortSignal): Promise<IncomingMessage> {
    signal.throwIfAborted();
    const auth = await this.access.authenticate();
    signal.throwIfAborted();
    const url = new URL(`${this.access.server}${req.path}`);
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = {
      Accept: "application/json",
      "User-Agent": this.userAgent,
      ...auth.headers,
    };
    if (body !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = String(body.length);
    }
    const secure = url.protocol === "https:";
    const tls = secure
      ? {
          ca: auth.ca,
          cert: auth.cert,
          key: auth.key,
          rejectUnauthorized: auth.rejectUnauthorized ?? true,
          servername: auth.servername,
        }
      : {};
    return await new Promise<IncomingMessage>((resolve, reject) => {
      const options = {
        method: req.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
        ...tls,
      };
      let response: IncomingMessage | undefined;
      const onAbort = () => {
        outgoing.destroy(signal.reason);
        response?.destroy(signal.reason);
      };
      const outgoing = (secure ? httpsRequest : nodeHttp.request)(url, options, (res) => {
        response = res;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          res.once("close", () => signal.removeEventListener("abort", onAbort));
          resolve(res);
          return;
        }
        if (status === 401) this.access.invalidate?.();
        readText(res, maxErrorBodyBytes, true)
          .then((text) => reject(kubeApiError(status, text, res.headers["retry-after"])))
          .catch(reject)
          .finally(() => signal.removeEventListener("abort", onAbort));
      });
      signal.addEventListener("abort", onAbort, { once: true });
      outgoing.on("error", (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(signal.aborted ? signal.reason : error);
      });
      outgoing.end(body);
    });
  }

  /** Sends the request and reads the whole 2xx answer as text. */
  async text(req: HttpRequest, signal: AbortSignal): Promise<string> {
    const res = await this.open(req, signal);
    try {
      return await readText(res, maxBodyBytes, false);
    } catch (error) {
      throw signal.aborted ? signal.reason : error;
    }
  }
}

/** Reads a response body up to `limit` bytes; beyond it, truncates (errors) or fails. */
async function readText(res: IncomingMessage, limit: number, truncate: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      if (truncate) {
        res.destroy();
        break;
      }
      throw new Error(`the API server's answer exceeded ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
