/**
 * A forwarding HTTP proxy on 127.0.0.1 to put in front of LocalStack (or any EC2 Query endpoint)
 * when a test needs EC2 to misbehave: the emulator never throttles, never fails and never hangs.
 * Every request is counted by its EC2 `Action` (form-encoded body, or query string); chosen calls
 * are answered with EC2's real error shape (e.g. 503 `RequestLimitExceeded`, 500 `InternalError`),
 * held until the client gives up, or reset, for the next N calls of an Action or at random with a
 * seeded probability. `afterForward` lets the call reach the emulator first, like a response lost
 * on its way back. The SDK and the provider are unchanged: only their endpoint is the proxy's.
 */
import { randomUUID } from "node:crypto";
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "./gcp/faults.js";

/** How a faulted call is answered. */
export type ProxyFault =
  /** An EC2 error response: `<Response><Errors><Error><Code>…` with this HTTP status. */
  | {
      readonly kind: "error";
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly afterForward?: boolean;
    }
  /** No answer: held until the client gives up (or `holdMs` passes), then the socket is reset. */
  | { readonly kind: "hold"; readonly holdMs?: number; readonly afterForward?: boolean }
  /** The connection is dropped without an answer (the client sees ECONNRESET). */
  | { readonly kind: "reset"; readonly afterForward?: boolean };

/** The faults EC2 really produces, ready to inject. */
export const ec2Faults = {
  /** EC2's account-wide API throttling (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). */
  throttle: (): ProxyFault => ({
    kind: "error",
    status: 503,
    code: "RequestLimitExceeded",
    message: "Request limit exceeded.",
  }),
  internalError: (): ProxyFault => ({
    kind: "error",
    status: 500,
    code: "InternalError",
    message: "An internal error has occurred.",
  }),
  unavailable: (): ProxyFault => ({
    kind: "error",
    status: 503,
    code: "Unavailable",
    message: "The server is overloaded and can't handle the request.",
  }),
  hold: (holdMs?: number): ProxyFault =>
    holdMs === undefined ? { kind: "hold" } : { kind: "hold", holdMs },
  reset: (): ProxyFault => ({ kind: "reset" }),
} as const;

/** Random faults: each call of `actions` (all when omitted) fails with `probability`. */
export interface RandomProxyFaults {
  readonly probability: number;
  readonly seed: number;
  readonly faults: readonly ProxyFault[];
  readonly actions?: readonly string[];
}

/** One request the proxy saw. */
export interface ProxiedCall {
  readonly action: string;
  /** HTTP status answered; 0 when held or reset. */
  readonly status: number;
  readonly faulted: boolean;
}

/** A running proxy and its control API. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the SDK as its endpoint. */
  readonly url: string;
  /** The next `count` calls of `action` (e.g. `CreateRoute`) fail with `fault`. */
  failNext(action: string, fault: ProxyFault, count?: number): void;
  /** From now on, calls fail at random (seeded); replaces any earlier random setting. */
  failRandomly(options: RandomProxyFaults): void;
  /** Back to a healthy EC2 (queued and random faults dropped; counts kept). */
  clear(): void;
  /** Calls of `action` seen (all calls when omitted), faulted ones included. */
  count(action?: string): number;
  /** Faulted calls of `action` (all faulted calls when omitted). */
  faulted(action?: string): number;
  /** Calls per Action, e.g. `{ DescribeRouteTables: 2, CreateRoute: 1 }`. */
  counts(): Record<string, number>;
  /** Every call in order. */
  calls(): readonly ProxiedCall[];
  /** Forgets the call log (faults stay armed). */
  resetCalls(): void;
  /** Stops listening, releases held calls and drops every connection. */
  close(): Promise<void>;
}

/** The body EC2 answers errors with (Query API error response). */
export function ec2ErrorBody(code: string, message: string, requestId = randomUUID()): string {
  const xml = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}

/** The EC2 Action of a request: form body first (the SDK's POST), then the query string. */
export function actionOf(url: URL, body: Buffer): string {
  const fromBody = new URLSearchParams(body.toString("utf8")).get("Action");
  return fromBody ?? url.searchParams.get("Action") ?? "unknown";
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

interface Upstream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends the request on unchanged (headers included, so its signature still matches). */
function forward(
  upstream: URL,
  agent: Agent,
  req: IncomingMessage,
  body: Buffer,
): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const out = request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (res) => {
        readBody(res).then(
          (data) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: data }),
          reject,
        );
      },
    );
    out.once("error", reject);
    out.end(body);
  });
}

const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

/** The upstream's headers without hop-by-hop ones; the body is sent whole, with its length. */
function endToEndHeaders(headers: IncomingHttpHeaders, length: number): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = { "content-length": String(length) };
  for (const [name, value] of Object.entries(headers)) {
    if (!hopByHop.has(name)) kept[name] = value;
  }
  return kept;
}

/** Starts the proxy on a free loopback port in front of `upstream` (e.g. LocalStack's endpoint). */
export async function startFaultProxy(upstreamEndpoint: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamEndpoint);
  const agent = new Agent({ keepAlive: true });
  const queued = new Map<string, ProxyFault[]>();
  let random: (RandomProxyFaults & { next: () => number }) | undefined;
  const log: ProxiedCall[] = [];
  let release = () => {};
  const closing = new Promise<void>((resolve) => {
    release = resolve;
  });

  const take = (action: string): ProxyFault | undefined => {
    const next = queued.get(action)?.shift();
    if (next !== undefined) return next;
    if (random === undefined || (random.actions && !random.actions.includes(action))) {
      return undefined;
    }
    if (random.next() >= random.probability) return undefined;
    return random.faults[Math.floor(random.next() * random.faults.length)];
  };

  const answerFault = async (fault: ProxyFault, req: IncomingMessage, res: ServerResponse) => {
    if (fault.kind === "error") {
      res.writeHead(fault.status, { "content-type": "text/xml;charset=UTF-8" });
      res.end(ec2ErrorBody(fault.code, fault.message));
      return fault.status;
    }
    if (fault.kind === "hold") {
      await Promise.race([
        closing,
        new Promise<void>((resolve) => res.once("close", resolve)),
        ...(fault.holdMs === undefined
          ? []
          : [new Promise<void>((resolve) => setTimeout(resolve, fault.holdMs).unref())]),
      ]);
    }
    req.socket.destroy();
    return 0;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const action = actionOf(new URL(req.url ?? "/", upstream), body);
    const fault = take(action);
    // Recorded before a held answer, so a test sees the call while the client still waits.
    const entry = { action, status: 0, faulted: fault !== undefined };
    log.push(entry);
    try {
      if (fault === undefined || fault.afterForward === true) {
        const answer = await forward(upstream, agent, req, body);
        if (fault === undefined) {
          entry.status = answer.status;
          res.writeHead(answer.status, endToEndHeaders(answer.headers, answer.body.length));
          res.end(answer.body);
          return;
        }
      }
      entry.status = await answerFault(fault, req, res);
    } catch (error) {
      entry.status = 502;
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`fault proxy: upstream ${upstream.origin} failed: ${String(error)}`);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const matching = (action?: string) =>
    log.filter((c) => action === undefined || c.action === action);

  return {
    url: `http://127.0.0.1:${port}`,
    failNext(action, fault, count = 1) {
      const queue = queued.get(action) ?? [];
      for (let i = 0; i < count; i++) queue.push(fault);
      queued.set(action, queue);
    },
    failRandomly(options) {
      random = { ...options, next: seededRandom(options.seed) };
    },
    clear() {
      queued.clear();
      random = undefined;
    },
    count: (action) => matching(action).length,
    faulted: (action) => matching(action).filter((c) => c.faulted).length,
    counts() {
      const counts: Record<string, number> = {};
      for (const call of log) counts[call.action] = (counts[call.action] ?? 0) + 1;
      return counts;
    },
    calls: () => log.map((c) => ({ ...c })),
    resetCalls() {
      log.length = 0;
    },
    async close() {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
