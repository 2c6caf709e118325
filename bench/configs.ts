import type { BenchController } from "./bench-controller.js";
import { rateLimitArithmetic } from "./convergence-report.js";
import type { ConfigSpec } from "./measure-config.js";
import type { MoveWorld } from "./move-bench.js";
import { benchMoves, limitedMoves } from "./support.js";

/** The product's default write budget (config defaults: 2 writes/s; burst ten seconds' worth). */
const defaultRate = 2;

/** The largest --write-burst (AWS's own burst for each mutating EC2 action). */
const largestBurst = 50;

/** How a provider starts a controller for one shape of routes, and reads its world. */
export interface Shape {
  /** e.g. `1x3` (CIDRs x route tables). */
  readonly name: string;
  readonly description: string;
  readonly cidrs: number;
  readonly tables: number;
  start(settings: {
    writesPerSecond?: string;
    writeBurst?: string;
    bypassWriteLimit?: boolean;
  }): Promise<BenchController>;
  world(controller: BenchController): MoveWorld;
}

/**
 * The small shape at product defaults, moves paced at the sustained write budget (pairs / 2 per
 * second: 1.5 s for 3 writes) so that every move finds the token bucket as full as a real,
 * occasional failover would; back to back, the 2 writes/s budget alone would set the latency.
 */
export function pacedDefaults(shape: Shape): ConfigSpec {
  const pairs = shape.cidrs * shape.tables;
  return {
    ...shape,
    description: `${shape.description}; product defaults; one move every ${pairs / defaultRate} s (the sustained write budget)`,
    writeBudget: "defaults: 2 writes/s, burst 20",
    moves: benchMoves(),
    paceMs: (pairs / defaultRate) * 1000,
    timeoutMs: 30_000,
    start: () => shape.start({}),
  };
}

/**
 * The large shape four ways: with the write limiter bypassed (diagnostic: the controller's own
 * mechanics against the floor, N moves), then at the default budget, at the default rate with the
 * largest --write-burst, and at the flag's maximum of 5/s (a few moves back to back: the first
 * from a full bucket, the next from an empty one; `limitedFallback` unless BENCH_LIMITED_MOVES
 * says otherwise).
 */
export function largeFamily(shape: Shape, limitedFallback = 2): ConfigSpec[] {
  const pairs = shape.cidrs * shape.tables;
  const limited = (rate: number, burst?: number): ConfigSpec => {
    const arithmetic = rateLimitArithmetic(pairs, rate, burst);
    const burstFlag = burst === undefined ? "" : ` --write-burst ${burst}`;
    return {
      ...shape,
      name: `${shape.name} at ${rate}/s${burst === undefined ? "" : ` burst ${burst}`}`,
      description: `${shape.description}; --writes-per-second ${rate}${burstFlag} (burst ${arithmetic.burst}); moves back to back`,
      writeBudget: `${rate} writes/s, burst ${arithmetic.burst}`,
      rateLimit: arithmetic,
      moves: limitedMoves(limitedFallback),
      paceMs: 0,
      // Moves that wait tens of seconds for tokens need no tight read loop.
      ...(arithmetic.waitFromFullBucketS > 1 ? { pollGapMs: 50 } : {}),
      timeoutMs: (arithmetic.waitFromEmptyBucketS + 60) * 1000,
      start: () =>
        shape.start({
          ...(rate === defaultRate ? {} : { writesPerSecond: String(rate) }),
          ...(burst === undefined ? {} : { writeBurst: String(burst) }),
        }),
    };
  };
  return [
    {
      ...shape,
      name: `${shape.name} unlimited`,
      description: `${shape.description}; write limiter bypassed (diagnostic, not a product setting); moves back to back`,
      writeBudget: "write limiter bypassed (diagnostic)",
      moves: benchMoves(),
      paceMs: 0,
      timeoutMs: 60_000,
      start: () => shape.start({ bypassWriteLimit: true }),
    },
    limited(defaultRate),
    // Only where a move needs more writes than the default burst holds.
    ...(pairs > rateLimitArithmetic(pairs, defaultRate).burst
      ? [limited(defaultRate, largestBurst)]
      : []),
    limited(5),
  ];
}
