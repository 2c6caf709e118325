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

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** p50/p99/max of each part over all moves. */
export function summarize(moves: readonly MoveTimeline[]) {
  const parts = [
    "interruptionMs",
    "vpnReconnectMs",
    "sliceToRouteTableMs",
    "routeTableToRouterMs",
    "sliceToHopMs",
  ] as const;
  return Object.fromEntries(
    parts.map((part) => {
      const values = moves.flatMap((m) => (m.parts[part] === undefined ? [] : [m.parts[part]]));
      return [
        part,
        { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) },
      ];
    }),
  ) as Record<(typeof parts)[number], { p50: number; p99: number; max: number }>;
}

/** The summary lines printed after the moves. */
export function formatSummary(moves: readonly MoveTimeline[]): string {
  const s = summarize(moves);
  const line = (name: string, v: { p50: number; p99: number; max: number }) =>
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
