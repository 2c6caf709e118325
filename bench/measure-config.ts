import { setTimeout as sleep } from "node:timers/promises";
import type { BenchController } from "./bench-controller.js";
import { type ConfigReport, type RateLimitArithmetic, reportConfig } from "./convergence-report.js";
import { type MoveWorld, runMoves } from "./move-bench.js";
import { phaseBreakdown } from "./phases.js";
import { envInt, say } from "./support.js";

/** One convergence configuration to measure: its shape, its controller, its world. */
export interface ConfigSpec {
  readonly name: string;
  readonly description: string;
  readonly cidrs: number;
  readonly tables: number;
  readonly writeBudget: string;
  readonly rateLimit?: RateLimitArithmetic;
  readonly moves: number;
  readonly paceMs: number;
  readonly timeoutMs: number;
  /** Overrides the default read gap (moves that take tens of seconds need no tight loop). */
  readonly pollGapMs?: number;
  /** Limit of the untimed initial programming (default 180 s). */
  readonly initialTimeoutMs?: number;
  start(): Promise<BenchController>;
  world(controller: BenchController): MoveWorld;
}

/**
 * Pause between confirmation reads (BENCH_POLL_GAP_MS): 0 polls back to back, right for reads
 * that are real I/O (EC2); in-process fake reads default to 1 ms so as not to spin a core.
 */
export const pollGapMs = (fallback = 0): number => envInt("BENCH_POLL_GAP_MS", fallback, 0);

/**
 * Starts the configuration's controller, waits until it has programmed every route to the
 * current node (leader election and first pass included, not timed), runs the moves, and
 * always stops the controller again. Returns the report and the node the endpoint ended on.
 */
export async function measureConfig(
  spec: ConfigSpec,
  fromNode: number,
  defaultPollGapMs = 0,
): Promise<{ report: ConfigReport; endNode: number }> {
  say(`\n-- ${spec.name}: ${spec.description}`);
  const controller = await spec.start();
  try {
    const world = spec.world(controller);
    const t0 = performance.now();
    // Routes left by an earlier configuration are already in place: also wait for this
    // controller's first pass, so that no move lands before it has synced and observed.
    while (controller.passes() < 1 || !(await world.isConverged(fromNode))) {
      const limitMs = spec.initialTimeoutMs ?? 180_000;
      if (performance.now() - t0 > limitMs)
        throw new Error(`${spec.name}: initial programming not done within ${limitMs / 1000} s`);
      await sleep(50);
    }
    say(`  initial programming confirmed after ${(performance.now() - t0).toFixed(0)} ms`);
    const run = {
      label: spec.name,
      moves: spec.moves,
      paceMs: spec.paceMs,
      pollGapMs: spec.pollGapMs ?? pollGapMs(defaultPollGapMs),
      timeoutMs: spec.timeoutMs,
      fromNode,
    };
    const samples = await runMoves(world, run);
    const phases = phaseBreakdown(controller.providerEvents, samples.movedAt, samples.returnedAt);
    const report = reportConfig(spec, run, samples, phases);
    const c = report.controllerMs;
    const f = report.floorCallsMs;
    const w = report.floorWritesMs;
    say(
      `  controller p50/p90/p99 ${c.p50}/${c.p90}/${c.p99} ms; floor (read + writes) ${f.p50}/${f.p90}/${f.p99} ms; ratio ${report.ratioP50} (vs the floor's writes alone, ${w.p50}/${w.p90}/${w.p99} ms: ${report.ratioP50VsWritesOnly})`,
    );
    if (phases !== undefined)
      say(
        `  p50 phases after the update returned: pass started ${phases.passStarted.p50} ms, tables read ${phases.tablesRead.p50} ms, targets resolved from ${phases.resolveStarted.p50} to ${phases.resolveDone.p50} ms (alongside the read), first write ${phases.firstWriteSent.p50} ms, writes done ${phases.writesDone.p50} ms`,
      );
    return { report, endNode: samples.endNode };
  } finally {
    await controller.running.stop();
  }
}
