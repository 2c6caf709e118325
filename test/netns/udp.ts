import type { NetnsLab } from "./lab.js";

/**
 * Answers every datagram with the sequence number and the source address it saw. It binds the
 * VPN addresses themselves, so answers leave from them as a VPN peer's would (bound to the
 * wildcard, the kernel would pick the Pod's eth0 address and NAT could never match the answer).
 */
const echoScript = `
const dgram = require("node:dgram");
const [port, ...addresses] = process.argv.slice(1);
let ready = 0;
for (const address of addresses) {
  const socket = dgram.createSocket(address.includes(":") ? "udp6" : "udp4");
  socket.on("message", (msg, peer) =>
    socket.send(JSON.stringify({ seq: msg.toString(), peer: peer.address }), peer.port, peer.address));
  socket.bind(Number(port), address, () => {
    if (++ready === addresses.length) console.log("listening");
  });
}`;

/**
 * Sends a numbered datagram every interval and prints one JSON line per send and per reply;
 * an answer from any address but the target's does not count.
 */
const probeScript = `
const dgram = require("node:dgram");
const [target, port, interval, count] = process.argv.slice(1).map((v, i) => (i === 0 ? v : Number(v)));
const socket = dgram.createSocket(target.includes(":") ? "udp6" : "udp4");
socket.on("message", (msg, from) => {
  if (from.address !== target) return;
  const reply = JSON.parse(msg.toString());
  console.log(JSON.stringify({ kind: "reply", seq: Number(reply.seq), peer: reply.peer, at: Date.now() }));
});
let seq = 0;
const timer = setInterval(() => {
  if (count > 0 && seq >= count) {
    clearInterval(timer);
    setTimeout(() => process.exit(0), 300);
    return;
  }
  seq++;
  console.log(JSON.stringify({ kind: "sent", seq, at: Date.now() }));
  socket.send(String(seq), port, target, () => undefined);
}, interval);`;

/** UDP port the echo server listens on inside the VPN Pod. */
export const echoPort = 7777;

/** Starts the echo server on the VPN addresses in `ns`; resolves once both sockets listen. */
export async function startEcho(lab: NetnsLab, ns: string): Promise<void> {
  const child = lab.spawn(ns, process.execPath, [
    "-e",
    echoScript,
    String(echoPort),
    "10.8.0.1",
    "fd08::1",
  ]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`echo server in ${ns} did not start`)), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`echo server in ${ns} exited with ${code}`)));
  });
}

/** What a probe saw: send times and replies by sequence number. */
export class Probe {
  readonly sent = new Map<number, number>();
  readonly replies = new Map<number, { at: number; peer: string }>();
  readonly exited: Promise<void>;
  private readonly stopFn: () => void;

  constructor(lab: NetnsLab, ns: string, target: string, intervalMs: number, count: number) {
    const child = lab.spawn(ns, process.execPath, [
      "-e",
      probeScript,
      target,
      String(echoPort),
      String(intervalMs),
      String(count),
    ]);
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const event = JSON.parse(line) as { kind: string; seq: number; at: number; peer?: string };
        if (event.kind === "sent") this.sent.set(event.seq, event.at);
        else this.replies.set(event.seq, { at: event.at, peer: event.peer ?? "" });
      }
    });
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    this.stopFn = () => child.kill("SIGKILL");
  }

  /** Resolves with the first reply to a probe sent after `afterMs` (epoch ms), or throws. */
  async replyAfter(afterMs: number, timeoutMs = 10_000): Promise<{ at: number; peer: string }> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const [seq, reply] of this.replies)
        if ((this.sent.get(seq) ?? 0) >= afterMs) return reply;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no reply to a probe sent after ${new Date(afterMs).toISOString()}`);
  }

  /**
   * The longest stretch during which no answer arrived, by arrival time, and the probes sent in
   * it that were never answered. Arrival time matters: packets queued behind neighbour
   * discovery are answered late, and for the user that is an interruption too.
   */
  outage(): { ms: number; lost: number } {
    const arrivals = [...this.replies.values()].map((r) => r.at).sort((a, b) => a - b);
    let worst = { ms: 0, from: 0, to: 0 };
    for (let i = 1; i < arrivals.length; i++) {
      const from = arrivals[i - 1] ?? 0;
      const to = arrivals[i] ?? 0;
      if (to - from > worst.ms) worst = { ms: to - from, from, to };
    }
    const lost = [...this.sent].filter(
      ([seq, at]) => at > worst.from && at < worst.to && !this.replies.has(seq),
    ).length;
    return { ms: worst.ms, lost };
  }

  stop(): void {
    this.stopFn();
  }
}

/** Asks the VPN side (up to 8 tries, 100 ms apart): the source address it saw, or undefined. */
export async function udpAsk(
  lab: NetnsLab,
  ns: string,
  target: string,
): Promise<string | undefined> {
  const probe = new Probe(lab, ns, target, 100, 8);
  let exited = false;
  void probe.exited.then(() => {
    exited = true;
  });
  while (!exited && probe.replies.size === 0) await new Promise((r) => setTimeout(r, 10));
  probe.stop();
  await probe.exited;
  return [...probe.replies.values()][0]?.peer;
}
