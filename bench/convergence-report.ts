import { defaultWriteBurst } from "../src/config/defaults.js";
import { perMove } from "./bench-controller.js";
import type { MoveRun, MoveSamples } from "./move-bench.js";
import type { PhaseBreakdown } from "./phases.js";
import type { BenchResult } from "./results.js";
import { type Summary, summarize } from "./stats.js";
import { loadAverage, round1 } from "./support.js";

/** One convergence configuration as measured: shape, settings, latencies, ratio, calls. */
export interface ConfigReport {
  readonly name: string;
  readonly description: string;
  readonly cidrs: number;
  readonly tables: number;
  /** (table, CIDR) pairs, i.e. route writes one move needs. */
  readonly pairs: number;
  readonly writeBudget: string;
  readonly paceMs: number;
  readonly pollGapMs: number;
  readonly controllerMs: Summary;
  /** The floor (its read, then its writes) until its last call returned. */
  readonly floorCallsMs: Summary;
  /** The floor until the same reads that time the controller confirmed it. */
  readonly floorConfirmedMs: Summary;
  /** The floor's read alone, and its writes alone (calls returned, and confirmed). */
  readonly floorReadMs: Summary;
  readonly floorWritesMs: Summary;
  readonly floorWritesConfirmedMs: Summary;
  /** Controller p50 / floor p50 where the floor ends when its raw calls have returned. */
  readonly ratioP50VsCalls: number;
  /** Controller p50 / floor p50 where the floor ends when the same reads confirm it. */
  readonly ratioP50VsConfirmed: number;
  /**
   * The reported ratio: the larger of the two. On EC2 the calls end first (the reads add a
   * detection delay); on ARM the route is visible before the LRO polling ends. Taking the
   * larger never flatters the controller.
   */
  readonly ratioP50: number;
  /**
   * The same ratio against the floor's writes alone, as earlier versions of this benchmark
   * defined the floor: no safe controller reaches it (see `floorWithReadOverWritesP50`).
   */
  readonly ratioP50VsWritesOnly: number;
  /** Floor with its read / floor without it, at p50 (larger of calls and confirmed). */
  readonly floorWithReadOverWritesP50: number;
  readonly pollsPerMoveMean: number;
  readonly pollMsMean: number;
  readonly callsPerMove: Record<string, number>;
  readonly controllerMsEach: number[];
  /** Where the controller's time went (from its timed provider calls), when it could be told. */
  readonly phasesMs?: PhaseBreakdown;
  readonly rateLimit?: RateLimitArithmetic;
  readonly loadAverage: string;
}

/** How the ratio is taken, for every suite's method notes. */
export const ratioMethod =
  "ratio: controller p50 over floor p50, the floor ending either when its raw calls returned (ratioP50VsCalls) or when the same reads confirmed it (ratioP50VsConfirmed); the target line takes the larger, so it never flatters the controller. The floor is what a perfect and safe controller must call for the move: one read of the tables' current routes and ownership (the ownership guard and conflict check cannot be decided on a cached view: DESIGN 3.3, 3.4), then the writes; its timing starts at the read. ratioP50VsWritesOnly is the same ratio against the writes alone (the floor of earlier runs), which no safe controller can reach: floorWithReadOverWritesP50 shows what the read alone costs the floor itself";

/** Why a move of `writes` route writes takes what it takes under a token bucket. */
export interface RateLimitArithmetic {
  readonly writesPerMove: number;
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly waitFromFullBucketS: number;
  readonly waitFromEmptyBucketS: number;
  readonly explanation: string;
}

/**
 * The WriteRateLimiter's arithmetic for one move of `writes`, with `burst` as configured
 * (--write-burst) or, when undefined, the default: ten seconds' worth, at most 50.
 */
export function rateLimitArithmetic(
  writes: number,
  rate: number,
  burst?: number,
): RateLimitArithmetic {
  const size = burst ?? defaultWriteBurst(rate);
  const origin = burst === undefined ? `the default, 10 s at ${rate}/s` : "--write-burst";
  const full = Math.max(0, (writes - size) / rate);
  const empty = writes / rate;
  return {
    writesPerMove: writes,
    ratePerSecond: rate,
    burst: size,
    waitFromFullBucketS: round1(full),
    waitFromEmptyBucketS: round1(empty),
    explanation: `${writes} writes per move; the bucket holds ${size} (${origin}): with a full bucket ${Math.min(writes, size)} go at once and the other ${Math.max(0, writes - size)} wait for tokens at ${rate}/s = ${round1(full)} s; back to back (empty bucket) ${writes}/${rate} = ${round1(empty)} s. The cloud calls themselves add the floor on top.`,
  };
}

/** Summarises one series; `shape` says what was moved under which settings. */
export function reportConfig(
  shape: {
    name: string;
    description: string;
    cidrs: number;
    tables: number;
    writeBudget: string;
    rateLimit?: RateLimitArithmetic;
  },
  run: MoveRun,
  s: MoveSamples,
  phases?: PhaseBreakdown,
): ConfigReport {
  const controllerMs = summarize(s.controllerMs);
  const floorCallsMs = summarize(s.floorCallsMs);
  const floorConfirmedMs = summarize(s.floorConfirmedMs);
  const floorWritesMs = summarize(s.floorWritesMs);
  const floorWritesConfirmedMs = summarize(s.floorWritesConfirmedMs);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    name: shape.name,
    description: shape.description,
    cidrs: shape.cidrs,
    tables: shape.tables,
    writeBudget: shape.writeBudget,
    ...(shape.rateLimit === undefined ? {} : { rateLimit: shape.rateLimit }),
    pairs: shape.cidrs * shape.tables,
    paceMs: run.paceMs,
    pollGapMs: run.pollGapMs,
    controllerMs,
    floorCallsMs,
    floorConfirmedMs,
    floorReadMs: summarize(s.floorReadMs),
    floorWritesMs,
    floorWritesConfirmedMs,
    ratioP50VsCalls: ratio(controllerMs.p50, floorCallsMs.p50),
    ratioP50VsConfirmed: ratio(controllerMs.p50, floorConfirmedMs.p50),
    ratioP50: Math.max(
      ratio(controllerMs.p50, floorCallsMs.p50),
      ratio(controllerMs.p50, floorConfirmedMs.p50),
    ),
    ratioP50VsWritesOnly: Math.max(
      ratio(controllerMs.p50, floorWritesMs.p50),
      ratio(controllerMs.p50, floorWritesConfirmedMs.p50),
    ),
    floorWithReadOverWritesP50: Math.max(
      ratio(floorCallsMs.p50, floorWritesMs.p50),
      ratio(floorConfirmedMs.p50, floorWritesConfirmedMs.p50),
    ),
    pollsPerMoveMean: round1(mean(s.pollsPerMove)),
    pollMsMean: round1(mean(s.pollMs)),
    callsPerMove: perMove(s.calls, s.controllerMs.length),
    controllerMsEach: s.controllerMs.map(round1),
    ...(phases === undefined ? {} : { phasesMs: phases }),
    loadAverage: loadAverage(),
  };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const ms = (x: Summary) => `${x.p50} / ${x.p90} / ${x.p99} ms`;

/**
 * Target lines: the ratio of every configuration (<= 1.5 at p50) and, for the small
 * configuration named `p99Of`, the p99 latency (DESIGN 7: well under 1 s).
 */
export function convergenceTargets(
  reports: readonly ConfigReport[],
  p99Of: string,
): BenchResult["targets"] {
  const lines: BenchResult["targets"][number][] = [];
  for (const r of reports) {
    if (r.name === p99Of) {
      lines.push({
        name: `${r.name}: convergence p50 / p90 / p99 (n=${r.controllerMs.n})`,
        target: "p99 < 1 s",
        measured: ms(r.controllerMs),
        met: r.controllerMs.p99 < 1000,
      });
    }
    lines.push({
      name: `${r.name}: controller p50 / floor p50 (${r.writeBudget})`,
      target: "<= 1.5",
      measured: `${r.ratioP50} (vs floor calls ${r.ratioP50VsCalls}, vs floor confirmed ${r.ratioP50VsConfirmed}; floor = read + writes; vs the writes alone ${r.ratioP50VsWritesOnly}, which the read makes ${r.floorWithReadOverWritesP50}x for the floor itself; p50/p90/p99 controller ${ms(r.controllerMs)}, floor calls ${ms(r.floorCallsMs)}, floor confirmed ${ms(r.floorConfirmedMs)}, floor read ${ms(r.floorReadMs)}; n=${r.controllerMs.n})`,
      met: r.ratioP50 <= 1.5,
    });
  }
  return lines;
}
