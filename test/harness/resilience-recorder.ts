/**
 * Recording forwarders for EC2 Query calls. Each controller process gets its own listener (its
 * own `--aws-endpoint`), so every call is attributed to the process that made it, stamped with the
 * wall-clock time it reached the proxy (the clock the controllers' JSON logs use). Recorders share
 * one `CallLog`, whose order is arrival order across all of them. Chain a recorder in front of
 * LocalStack or of a fault proxy; the SDK and the provider are unchanged.
 */
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
} from "node:http";
import type { AddressInfo } from "node:net";
import { actionOf } from "../fakes/fault-proxy.js";

/** The EC2 actions that change the cloud; everything else the controller calls is a read. */
export const mutatingActions: ReadonlySet<string> = new Set([
  "CreateRoute",
  "ReplaceRoute",
  "DeleteRoute",
  "CreateTags",
  "DeleteTags",
  "ModifyNetworkInterfaceAttribute",
]);

/** One call as the recorder saw it. */
export interface RecordedCall {
  /** The recorder's name: the identity of the process that owns the listener. */
  readonly writer: string;
  readonly action: string;
  /** `Date.now()` when the request arrived, before it was forwarded. */
  readonly at: number;
  /** HTTP status answered; 0 while pending, or when the upstream dropped the connection. */
  status: number;
  /** The parameters that say what a write touched (table, CIDR, ENI, tag keys). */
  readonly params: Readonly<Record<string, string>>;
}

/** Calls of every recorder sharing it, in arrival order. */
export class CallLog {
  readonly #calls: RecordedCall[] = [];

  record(call: RecordedCall): void {
    this.#calls.push(call);
  }

  all(): readonly RecordedCall[] {
    return this.#calls;
  }

  /** Mutating calls only, in arrival order. */
  writes(): RecordedCall[] {
    return this.#calls.filter((c) => mutatingActions.has(c.action));
  }
}

/** A running recorder: give `url` to one controller as its EC2 endpoint. */
export interface CallRecorder {
  readonly name: string;
  readonly url: string;
  readonly log: CallLog;
  close(): Promise<void>;
}

const keptParams = /^(RouteTableId|DestinationCidrBlock|NetworkInterfaceId|Tag\.\d+\.Key)$/;
const hopByHop = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

function paramsOf(body: Buffer): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body.toString("utf8"))) {
    if (keptParams.test(key)) params[key] = value;
  }
  return params;
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function endToEnd(headers: IncomingHttpHeaders, length: number): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = { "content-length": String(length) };
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name)) kept[name] = value;
  return kept;
}

/** Starts a recorder named `name` on a free loopback port, forwarding to `upstreamEndpoint`. */
export async function startCallRecorder(
  name: string,
  upstreamEndpoint: string,
  log: CallLog = new CallLog(),
): Promise<CallRecorder> {
  const upstream = new URL(upstreamEndpoint);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const call: RecordedCall = {
        writer: name,
        action: actionOf(new URL(req.url ?? "/", upstream), body),
        at: Date.now(),
        status: 0,
        params: paramsOf(body),
      };
      log.record(call);
      const out = request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          readBody(answer).then(
            (data) => {
              call.status = answer.statusCode ?? 502;
              res.writeHead(call.status, endToEnd(answer.headers, data.length));
              res.end(data);
            },
            () => req.socket.destroy(),
          );
        },
      );
      // An upstream that drops the call (a fault proxy's reset) is passed on as a reset.
      out.once("error", () => req.socket.destroy());
      res.once("close", () => {
        if (!res.writableFinished) out.destroy();
      });
      out.end(body);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
