import type { Server } from "node:http";
import type { Registry } from "prom-client";
import type { Logger } from "./logger.js";
import { nodeHttp } from "./node-http.js";

/** Probes the health server answers from; each returns a reason when not OK. */
export interface HealthChecks {
  /** Liveness: the process is making progress. */
  healthy(): string | undefined;
  /** Readiness: caches synced and, for the leader, the cloud reachable. */
  ready(): string | undefined;
}

/** Serves `/metrics`, `/healthz` and `/readyz`; resolves with the bound port once listening. */
export async function startHealthServer(
  host: string,
  port: number,
  registry: Registry,
  checks: HealthChecks,
  logger: Logger,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = nodeHttp.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const probe = (problem: string | undefined) => {
      res.writeHead(problem === undefined ? 200 : 503, { "content-type": "text/plain" });
      res.end(problem === undefined ? "ok\n" : `${problem}\n`);
    };
    if (path === "/healthz") return probe(checks.healthy());
    if (path === "/readyz") return probe(checks.ready());
    if (path === "/metrics") {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(body);
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, "metrics not rendered");
          res.writeHead(500);
          res.end();
        });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found; try /metrics, /healthz or /readyz\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  logger.info({ host, port: bound }, "health server listening");
  return {
    server,
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
