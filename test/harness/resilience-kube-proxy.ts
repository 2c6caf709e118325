/**
 * A plain-HTTP proxy on loopback in front of a real kube-apiserver, for API-server faults the
 * real server only produces under conditions a test cannot arrange on demand:
 * - `expireWatches`: ends the open watches of some paths cleanly (as the server does at a watch
 *   timeout) and makes each path's next watch ask for a resourceVersion long compacted away, so
 *   the REAL API server answers it with its own 410 Gone ("too old resource version");
 * - `delayNext`: holds requests before forwarding, like an overloaded API server.
 * Everything else passes through unchanged; the controller gets `kubeConfig` and is otherwise
 * the production code.
 */
import { readFileSync } from "node:fs";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { Agent, request } from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

/** One request the proxy forwarded. */
export interface KubeProxyRequest {
  readonly method: string;
  readonly path: string;
  readonly isWatch: boolean;
  readonly at: number;
  status: number;
  /** The resourceVersion the client asked for, when the proxy replaced it by a stale one. */
  rewrittenFrom?: string;
  /** The API server's answer contained a 410 status (only watched on rewritten requests). */
  sawGone: boolean;
}

/** A running proxy and its controls. */
export interface KubeProxy {
  readonly url: string;
  /** Credentials-free config pointing at the proxy (it adds the admin client certificate). */
  readonly kubeConfig: KubeConfig;
  readonly requests: readonly KubeProxyRequest[];
  expireWatches(paths: readonly string[], staleResourceVersion?: string): void;
  /** Holds the next `count` requests whose path contains `fragment` for `ms` before forwarding. */
  delayNext(fragment: string, ms: number, count: number): void;
  close(): Promise<void>;
}

interface OpenWatch {
  readonly path: string;
  readonly upstream: IncomingMessage;
  readonly res: ServerResponse;
}

const hopByHop = new Set(["connection", "keep-alive", "host"]);
const bytes = (data?: string, file?: string): Buffer | undefined =>
  data ? Buffer.from(data, "base64") : file ? readFileSync(file) : undefined;

function forwardedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name)) kept[name] = value;
  return kept;
}

/** Starts the proxy in front of the API server `upstream` points at. */
export async function startKubeProxy(upstream: KubeConfig): Promise<KubeProxy> {
  const cluster = upstream.getCurrentCluster();
  const user = upstream.getCurrentUser();
  if (!cluster || !user) throw new Error("the upstream kubeconfig has no current cluster or user");
  const target = new URL(cluster.server);
  const agent = new Agent({
    keepAlive: true,
    ca: bytes(cluster.caData, cluster.caFile),
    cert: bytes(user.certData, user.certFile),
    key: bytes(user.keyData, user.keyFile),
  });
  const requests: KubeProxyRequest[] = [];
  const open = new Set<OpenWatch>();
  const stale = new Map<string, string>();
  const delays: { fragment: string; ms: number; left: number }[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const isWatch = url.searchParams.get("watch") === "true";
    const record: KubeProxyRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      isWatch,
      at: Date.now(),
      status: 0,
      sawGone: false,
    };
    requests.push(record);
    const staleVersion = isWatch ? stale.get(url.pathname) : undefined;
    if (staleVersion !== undefined) {
      stale.delete(url.pathname);
      record.rewrittenFrom = url.searchParams.get("resourceVersion") ?? "";
      url.searchParams.set("resourceVersion", staleVersion);
    }
    const delay = delays.find((d) => d.left > 0 && url.pathname.includes(d.fragment));
    if (delay !== undefined) {
      delay.left -= 1;
      await new Promise((r) => setTimeout(r, delay.ms));
    }
    const out = request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: forwardedHeaders(req.headers),
      },
      (answer) => {
        record.status = answer.statusCode ?? 502;
        res.writeHead(record.status, forwardedHeaders(answer.headers));
        // A watch may send no byte for a long time; the client needs its headers at once.
        res.flushHeaders();
        if (record.rewrittenFrom !== undefined) {
          answer.on("data", (chunk: Buffer) => {
            if (/"code":\s*410/.test(chunk.toString("utf8"))) record.sawGone = true;
          });
        }
        if (isWatch) {
          const watch = { path: url.pathname, upstream: answer, res };
          open.add(watch);
          res.once("close", () => open.delete(watch));
        }
        answer.pipe(res);
      },
    );
    out.once("error", () => {
      if (!res.writableEnded) res.destroy();
    });
    res.once("close", () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Plain HTTP on loopback: client-node accepts an http:// server only with skipTLSVerify.
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "proxy", server: url, skipTLSVerify: true }],
    users: [{ name: "proxy" }],
    contexts: [{ name: "proxy", cluster: "proxy", user: "proxy" }],
    currentContext: "proxy",
  });
  return {
    url,
    kubeConfig,
    requests,
    expireWatches(paths, staleResourceVersion = "1") {
      for (const path of paths) stale.set(path, staleResourceVersion);
      for (const watch of [...open]) {
        if (!paths.includes(watch.path)) continue;
        open.delete(watch);
        watch.upstream.unpipe(watch.res);
        // A clean end of the chunked stream, as at a watch timeout; then drop the upstream.
        watch.res.end(() => watch.upstream.destroy());
      }
    },
    delayNext(fragment, ms, count) {
      delays.push({ fragment, ms, left: count });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
