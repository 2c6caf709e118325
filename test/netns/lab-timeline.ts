import { type Summary, summarize } from "../../bench/stats.js";
import type { MoveTimeline } from "./lab-move.js";

const clock = (epochMs: number) => new Date(epochMs).toISOString().slice(11, 23);
const ms = (value: number | undefined) => (value === undefined ? "-" : `${Math.round(value)} ms`);

/** The per-move lines `npm run lab` prints: the events in the order they happened, then the parts. */
export function formatMove(t: MoveTimeline): string {
  const events: [number | undefined, string][] = [
    [t.lastOkAt, "last successful request"],
    [
      t.oldStoppedAt,
      "old VPN Pod deleted (SIGTERM; the new one listens, the load balancer sends to it)",
    ],
    [t.sliceWrittenAt, "EndpointSlice written (new Pod ready)"],
    [t.vpnReconnectedAt, "device's VPN client reconnected"],
    [t.routeTableChangedAt, "route tables changed (LocalStack, last of 3)"],
    [t.vpcRouterChangedAt, "VPC router changed (last of 3 tables)"],
    [t.hopRouteAt, `agent's hop route in ${t.to}'s kernel`],
    [t.firstOkAt, "first successful request"],
  ];
  const lines = events
    .flatMap(([at, what]) => (at === undefined ? [] : [{ at, what }]))
    .sort((a, b) => a.at - b.at)
    .map((e) => `  ${clock(e.at)}  ${e.what}`);
  return [
    `move ${t.move}: VPN Pod ${t.from} -> ${t.to}`,
    ...lines,
    `  interruption ${ms(t.parts.interruptionMs)}: VPN reconnect ${ms(t.parts.vpnReconnectMs)}, ` +
      `EndpointSlice -> route table ${ms(t.parts.sliceToRouteTableMs)}, ` +
      `route table -> VPC router ${ms(t.parts.routeTableToRouterMs)}, ` +
      `EndpointSlice -> hop route ${ms(t.parts.sliceToHopMs)}`,
  ].join("\n");
}

const parts = [
  "interruptionMs",
  "vpnReconnectMs",
  "sliceToRouteTableMs",
  "routeTableToRouterMs",
  "sliceToHopMs",
] as const;

/** Each part's distribution over all moves (bench/stats.ts, as every benchmark reports). */
export function summarizeMoves(
  moves: readonly MoveTimeline[],
): Record<(typeof parts)[number], Summary> {
  return Object.fromEntries(
    parts.map((part) => [part, summarize(moves.flatMap((m) => m.parts[part] ?? []))]),
  ) as Record<(typeof parts)[number], Summary>;
}

/** The summary lines printed after the moves. */
export function formatSummary(moves: readonly MoveTimeline[]): string {
  const s = summarizeMoves(moves);
  const line = (name: string, v: Summary) =>
    `  ${name}: p50 ${ms(v.p50)}, p99 ${ms(v.p99)}, max ${ms(v.max)}`;
  return [
    `over ${moves.length} moves (proxy requests every 50 ms):`,
    line("interruption (last -> first successful request)", s.interruptionMs),
    line("VPN client reconnect", s.vpnReconnectMs),
    line("EndpointSlice -> route table", s.sliceToRouteTableMs),
    line("route table -> VPC router", s.routeTableToRouterMs),
    line("EndpointSlice -> agent hop route", s.sliceToHopMs),
  ].join("\n");
}
