import { createInterface } from "node:readline";
import type { NetnsLab } from "./lab.js";

/** Port of the device's HTTP server on its VPN address. */
export const devicePort = 8080;

/** Answers every request with the address it came from, so tests see what NAT did. */
const serverScript = `
const http = require("node:http");
const [address, port] = process.argv.slice(1);
http
  .createServer((req, res) => res.end(JSON.stringify({ peer: req.socket.remoteAddress })))
  .listen(Number(port), address, () => console.log("listening"));`;

/**
 * The proxy's loop: one fresh connection (no keep-alive, so every request takes the route the
 * kernel has now) every interval, each with a timeout, one JSON line per finished request.
 */
const proxyScript = `
const http = require("node:http");
const [url, interval, timeout] = process.argv.slice(1);
let seq = 0;
setInterval(() => {
  const n = ++seq;
  const sent = Date.now();
  const done = (ok, peer) => console.log(JSON.stringify({ seq: n, sent, at: Date.now(), ok, peer }));
  const req = http.get(url, { agent: false, timeout: Number(timeout) }, (res) => {
    let body = "";
    res.on("data", (c) => (body += c));
    res.on("end", () => done(res.statusCode === 200, JSON.parse(body).peer));
    res.on("error", () => done(false));
  });
  req.on("timeout", () => req.destroy(new Error("timeout")));
  req.on("error", () => done(false));
}, Number(interval));`;

/** Starts the device's HTTP server bound to `address` (which may not exist yet) in `ns`. */
export async function startDeviceServer(lab: NetnsLab, ns: string, address: string) {
  const child = lab.spawn(ns, process.execPath, ["-e", serverScript, address, String(devicePort)]);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`device HTTP server exited with ${code}`)));
  });
}

/** One finished request of the proxy. */
export interface ProxyRequest {
  readonly seq: number;
  readonly sent: number;
  readonly at: number;
  readonly ok: boolean;
  /** The source address the device saw (after any NAT), for answered requests. */
  readonly peer?: string;
}

/** The proxy Pod's requests to the device, every `intervalMs`, as they finish. */
export class ProxyRequests {
  readonly done: ProxyRequest[] = [];
  private readonly stopFn: () => void;

  constructor(lab: NetnsLab, ns: string, target: string, intervalMs = 50, timeoutMs = 1_000) {
    const url = `http://${target}:${devicePort}/`;
    const child = lab.spawn(ns, process.execPath, [
      ...["-e", proxyScript, url, String(intervalMs), String(timeoutMs)],
    ]);
    createInterface(child.stdout ?? process.stdin).on("line", (line) =>
      this.done.push(JSON.parse(line) as ProxyRequest),
    );
    this.stopFn = () => child.kill("SIGKILL");
  }

  /** Answered requests sent at or after `fromMs`. */
  okSince(fromMs: number): ProxyRequest[] {
    return this.done.filter((r) => r.ok && r.sent >= fromMs);
  }

  /** Failed requests sent at or after `fromMs`. */
  failedSince(fromMs: number): ProxyRequest[] {
    return this.done.filter((r) => !r.ok && r.sent >= fromMs);
  }

  /** Waits for an answered request sent at or after `fromMs`; throws after `timeoutMs`. */
  async firstOkAfter(fromMs: number, timeoutMs = 30_000): Promise<ProxyRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.okSince(fromMs).sort((a, b) => a.at - b.at)[0];
      if (hit !== undefined) return hit;
      if (Date.now() > deadline)
        throw new Error(`no request sent after ${new Date(fromMs).toISOString()} was answered`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The last answered request that finished before `beforeMs`. */
  lastOkBefore(beforeMs: number): ProxyRequest | undefined {
    return this.done.filter((r) => r.ok && r.at < beforeMs).sort((a, b) => b.at - a.at)[0];
  }

  stop(): void {
    this.stopFn();
  }
}
