import type { IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Ec2ApiError, readErrorResponse, timeoutError } from "./api-error.js";
import { encodeForm, type QueryParams } from "./params.js";
import type { Ec2Signer } from "./sign.js";
import { parseXml, type XmlElement } from "./xml.js";

/** Sends one EC2 Query action and returns the root of its XML answer (`<ActionResponse>`). */
export interface Ec2Transport {
  send(action: string, params: QueryParams): Promise<XmlElement>;
}

/** Where and how: the endpoint, the signer and the two timeouts. */
export interface TransportSettings {
  readonly endpoint: URL;
  readonly signer: Ec2Signer;
  /** TCP connect deadline. */
  readonly connectTimeoutMs: number;
  /** Deadline for the whole exchange, from sending to the last byte of the answer. */
  readonly requestTimeoutMs: number;
}

/**
 * node:http without an ESM import, which would read every export, including the lazy WebSocket
 * getters, and so load Node's bundled undici (about 9 MB of RSS) for a plain-HTTP endpoint
 * that only tests and LocalStack use.
 */
const nodeHttp = process.getBuiltinModule("node:http");

interface RawAnswer {
  readonly status: number;
  readonly date: string | undefined;
  readonly body: string;
}

/**
 * EC2's Query protocol over HTTP(S): a SigV4-signed, form-encoded POST per call, one attempt
 * (retries belong to the applier), keep-alive connections. An answer that is not 2xx becomes
 * an Ec2ApiError from EC2's error document; a hung call becomes a TimeoutError.
 */
export function createEc2Transport(settings: TransportSettings): Ec2Transport {
  const { endpoint, signer } = settings;
  const isHttps = endpoint.protocol === "https:";
  const agent = isHttps
    ? new HttpsAgent({ keepAlive: true, maxSockets: 50 })
    : new nodeHttp.Agent({ keepAlive: true, maxSockets: 50 });
  const send = isHttps ? httpsRequest : nodeHttp.request;
  const port = endpoint.port === "" ? undefined : Number(endpoint.port);
  const path = endpoint.pathname === "" ? "/" : endpoint.pathname;
  // URL keeps IPv6 literals bracketed; the socket wants them bare, the Host header bracketed.
  const hostname = endpoint.hostname.replace(/^\[(.*)\]$/, "$1");

  const exchange = (headers: Record<string, string>, body: string) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const req = send({ agent, method: "POST", hostname, port, path, headers });
      const timers: NodeJS.Timeout[] = [];
      const finish = () => {
        for (const t of timers) clearTimeout(t);
      };
      const fail = (error: Error) => {
        finish();
        reject(error);
      };
      timers.push(
        setTimeout(() => {
          req.destroy(timeoutError(`no complete answer within ${settings.requestTimeoutMs} ms`));
        }, settings.requestTimeoutMs),
      );
      req.once("socket", (socket) => {
        if (!socket.connecting) return;
        const connect = setTimeout(() => {
          req.destroy(timeoutError(`no connection within ${settings.connectTimeoutMs} ms`));
        }, settings.connectTimeoutMs);
        timers.push(connect);
        socket.once("connect", () => clearTimeout(connect));
      });
      req.on("error", fail);
      req.once("response", (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.once("end", () => {
          finish();
          resolve({
            status: res.statusCode ?? 0,
            date: res.headers.date,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      });
      req.end(body);
    });

  return {
    async send(action, params) {
      const body = encodeForm(action, params);
      const headers = await signer.sign({
        method: "POST",
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port,
        path,
        headers: {
          host: endpoint.host,
          "content-type": "application/x-www-form-urlencoded; charset=utf-8",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "vpc-route-sync ec2-query",
        },
        body,
      });
      const answer = await exchange(headers, body);
      signer.observeServerDate(answer.date);
      if (answer.status < 200 || answer.status >= 300) {
        throw readErrorResponse(answer.status, answer.body);
      }
      return readAnswer(action, answer);
    },
  };
}

/** The `<ActionResponse>` root of a 2xx answer; anything else is a broken (retryable) answer. */
function readAnswer(action: string, answer: RawAnswer): XmlElement {
  const broken = (why: string) =>
    new Ec2ApiError({
      code: "InvalidResponse",
      message: `the ${action} answer (HTTP ${answer.status}) ${why}`,
      status: answer.status,
      fault: "server",
    });
  let root: XmlElement;
  try {
    root = parseXml(answer.body);
  } catch (error) {
    throw broken(`is not XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (root.name !== `${action}Response`) {
    throw broken(`has root <${root.name}>, expected <${action}Response>`);
  }
  return root;
}
