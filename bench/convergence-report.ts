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
  readonly floorCallsMs: Summary;
  readonly floorConfirmedMs: Summary;
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
  "ratio: controller p50 over floor p50, the floor ending either when its raw calls returned (ratioP50VsCalls) or when the same reads confirmed it (ratioP50VsConfirmed); the target line takes the larger, so it never flatters the controller";

/** Why a move of `writes` route writes takes what it takes under a token bucket. */
export interface RateLimitArithmetic {
  readonly writesPerMove: number;
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly waitFromFullBucketS: number;
  readonly waitFromEmptyBucketS: number;
  readonly explanation: string;
}

/** The WriteRateLimiter's arithmetic (burst = ten seconds' worth) for one move of `writes`. */
export function rateLimitArithmetic(writes: number, rate: number): RateLimitArithmetic {
  const burst = Math.max(1, Math.ceil(rate * 10));
  const full = Math.max(0, (writes - burst) / rate);
  const empty = writes / rate;
  return {
    writesPerMove: writes,
    ratePerSecond: rate,
    burst,
    waitFromFullBucketS: round1(full),
    waitFromEmptyBucketS: round1(empty),
    explanation: `${writes} writes per move; the bucket holds ${burst} (10 s at ${rate}/s): with a full bucket ${burst} go at once and the other ${Math.max(0, writes - burst)} wait for tokens at ${rate}/s = ${round1(full)} s; back to back (empty bucket) ${writes}/${rate} = ${round1(empty)} s. The cloud calls themselves add the floor on top.`,
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
    ratioP50VsCalls: ratio(controllerMs.p50, floorCallsMs.p50),
    ratioP50VsConfirmed: ratio(controllerMs.p50, floorConfirmedMs.p50),
    ratioP50: Math.max(
      ratio(controllerMs.p50, floorCallsMs.p50),
      ratio(controllerMs.p50, floorConfirmedMs.p50),
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
      measured: `${r.ratioP50} (vs floor calls ${r.ratioP50VsCalls}, vs floor confirmed ${r.ratioP50VsConfirmed}; p50/p90/p99 controller ${ms(r.controllerMs)}, floor calls ${ms(r.floorCallsMs)}, floor confirmed ${ms(r.floorConfirmedMs)}; n=${r.controllerMs.n})`,
      met: r.ratioP50 <= 1.5,
    });
  }
  return lines;
}
