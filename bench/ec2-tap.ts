import { Agent, createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";

/** One EC2 call as it crossed the wire. */
export interface TappedCall {
  readonly action: string;
  /** `Filter.N.Name` values, e.g. `["tag:team"]`; empty for an unfiltered call. */
  readonly filters: readonly string[];
  readonly status: number;
}

/** A recording pass-through in front of an EC2 endpoint. */
export interface Ec2Tap {
  /** `http://127.0.0.1:<port>`: the controller's EC2 endpoint. */
  readonly url: string;
  calls(): readonly TappedCall[];
  reset(): void;
  close(): Promise<void>;
}

async function body(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

/**
 * Forwards every request unchanged (signature intact) and records its Action and filter names,
 * so the API-budget benchmark counts calls at the wire, independently of the controller's own
 * metrics, and can tell a filtered DescribeRouteTables from an account-wide one. (The fault
 * proxy counts Actions too, but does not keep the parameters.)
 */
export async function startEc2Tap(upstreamEndpoint: string): Promise<Ec2Tap> {
  const upstream = new URL(upstreamEndpoint);
  const agent = new Agent({ keepAlive: true });
  const log: TappedCall[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      const params = new URLSearchParams(payload.toString("utf8"));
      const filters = [...params].filter(([k]) => /^Filter\.\d+\.Name$/.test(k)).map(([, v]) => v);
      const forwarded = request({
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      });
      forwarded.once("response", (answer) => {
        void body(answer).then((data) => {
          log.push({
            action: params.get("Action") ?? "unknown",
            filters,
            status: answer.statusCode ?? 0,
          });
          const headers: Record<string, string | string[]> = {
            "content-length": String(data.length),
          };
          for (const [k, v] of Object.entries(answer.headers))
            if (v !== undefined && !hopByHop.has(k)) headers[k] = v;
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(data);
        });
      });
      forwarded.once("error", (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forwarded.end(payload);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => [...log],
    reset: () => {
      log.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** Calls per Action, e.g. `{ DescribeRouteTables: 1, ReplaceRoute: 3 }`. */
export function countByAction(calls: readonly TappedCall[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.action] = (out[c.action] ?? 0) + 1;
  return out;
}
