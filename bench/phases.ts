import type { Provider } from "../providers/types.js";
import { type Summary, summarize } from "./stats.js";

/** One provider call as the controller made it, on the `performance.now()` clock. */
export interface ProviderEvent {
  readonly op: "listTables" | "networkCidrs" | "resolveTarget" | "applyWrite";
  readonly start: number;
  readonly end: number;
}

/**
 * Wraps a provider so that every call is timed into `events`, without changing what it does;
 * this is how the benchmark splits a move's latency into phases from outside the controller.
 */
export function timeProvider(provider: Provider, events: ProviderEvent[]): Provider {
  const timed = <T>(op: ProviderEvent["op"], call: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    return call().finally(() => events.push({ op, start, end: performance.now() }));
  };
  return {
    name: provider.name,
    capabilities: provider.capabilities,
    listTables: () => timed("listTables", () => provider.listTables()),
    networkCidrs: () => timed("networkCidrs", () => provider.networkCidrs()),
    resolveTarget: (node, family) =>
      timed("resolveTarget", () => provider.resolveTarget(node, family)),
    applyWrite: (write) => timed("applyWrite", () => provider.applyWrite(write)),
    enableForwarding: (target) => provider.enableForwarding(target),
  };
}

/** Where a move's time went, each relative to the EndpointSlice update returning (ms). */
export interface PhaseBreakdown {
  /** The pass that handled the move starts reading the cloud (watch delivery + queue). */
  readonly passStarted: Summary;
  /** Its route-table read answered. */
  readonly tablesRead: Summary;
  /**
   * Its target resolution started (the Kubernetes Node read happens just before) and ended; it
   * runs alongside the table read, so it may end before the read does.
   */
  readonly resolveStarted: Summary;
  readonly resolveDone: Summary;
  /** Its first write sent (planning and the write limiter in between). */
  readonly firstWriteSent: Summary;
  /** Its last write answered. */
  readonly writesDone: Summary;
}

/**
 * For each move (`movedAt[i]`: update call sent, `returnedAt[i]`: returned), finds the first
 * table read after the update was sent and the writes that followed it before the next move.
 */
export function phaseBreakdown(
  events: readonly ProviderEvent[],
  movedAt: readonly number[],
  returnedAt: readonly number[],
): PhaseBreakdown | undefined {
  const cols: number[][] = [[], [], [], [], [], []];
  movedAt.forEach((sent, i) => {
    const zero = returnedAt[i] ?? sent;
    const until = movedAt[i + 1] ?? Number.POSITIVE_INFINITY;
    const read = events.find((e) => e.op === "listTables" && e.start >= sent && e.start < until);
    if (read === undefined) return;
    const after = (op: ProviderEvent["op"]) =>
      events.filter((e) => e.op === op && e.start >= read.start && e.start < until);
    const writes = after("applyWrite");
    const first = writes.reduce((m, e) => Math.min(m, e.start), Number.POSITIVE_INFINITY);
    const last = writes.reduce((m, e) => Math.max(m, e.end), Number.NEGATIVE_INFINITY);
    const resolves = after("resolveTarget").filter((e) => e.start < first);
    if (writes.length === 0 || resolves.length === 0) return;
    const resolveStart = Math.min(...resolves.map((e) => e.start));
    const resolveEnd = Math.max(...resolves.map((e) => e.end));
    [read.start, read.end, resolveStart, resolveEnd, first, last].forEach((t, c) => {
      cols[c]?.push(t - zero);
    });
  });
  const col = (c: number) => summarize(cols[c] ?? []);
  if (col(0).n === 0) return undefined;
  return {
    passStarted: col(0),
    tablesRead: col(1),
    resolveStarted: col(2),
    resolveDone: col(3),
    firstWriteSent: col(4),
    writesDone: col(5),
  };
}
