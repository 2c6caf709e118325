import { cpus, loadavg } from "node:os";
import type { BenchResult } from "./results.js";

/** A positive integer from the environment (e.g. `BENCH_MOVES=80`), or `fallback`. */
export function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name}=${JSON.stringify(raw)} is not an integer >= ${min}`);
  }
  return value;
}

/** Moves per convergence configuration; the issue asks for at least 50. */
export const benchMoves = (): number => envInt("BENCH_MOVES", 50);

/**
 * Moves per rate-limited configuration (10 CIDRs x 10 tables under the write budget): each one
 * takes tens of seconds by design, so a few show the arithmetic without blowing the time budget.
 */
export const limitedMoves = (fallback = 2): number => envInt("BENCH_LIMITED_MOVES", fallback);

/** One progress line on stdout. */
export function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/** `1m/5m/15m` load averages: the machine is shared, so every result records how busy it was. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

/** Rounds to one decimal, for result files meant to be read. */
export const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Teardown steps run in reverse order of registration, each even if an earlier one failed, so a
 * benchmark that throws halfway still stops every process and removes every temp dir it made.
 */
export class Cleanup {
  private readonly steps: { what: string; run: () => Promise<unknown> }[] = [];

  /** Registers a step; the last registered runs first. */
  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  /** Runs (and forgets) every step; failures are reported, never thrown. */
  async runAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`cleanup of ${step.what} failed: ${String(error)}\n`);
      }
    }
  }
}

const active = new Set<Cleanup>();

/** Runs `body` with a Cleanup that is always run afterwards (see also `cleanUpOnExit`). */
export async function withCleanup<T>(body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  active.add(cleanup);
  try {
    return await body(cleanup);
  } finally {
    await cleanup.runAll();
    active.delete(cleanup);
  }
}

/**
 * On SIGINT/SIGTERM or a stray rejection, runs every pending Cleanup before exiting, so an
 * interrupted benchmark leaves no LocalStack, etcd or kube-apiserver behind.
 */
export function cleanUpOnExit(): void {
  const exit = (code: number, why: string) => {
    process.stderr.write(`${why}: stopping everything the benchmark started ...\n`);
    void Promise.allSettled([...active].map((c) => c.runAll())).then(() => process.exit(code));
  };
  process.once("SIGINT", () => exit(130, "interrupted"));
  process.once("SIGTERM", () => exit(143, "terminated"));
  process.on("unhandledRejection", (reason) => exit(1, `unhandled rejection ${String(reason)}`));
}

/** Builds the result envelope (timing, machine, load) around a suite's targets and data. */
export function benchResult(
  suite: string,
  title: string,
  startedMs: number,
  targets: BenchResult["targets"],
  data: Record<string, unknown>,
): BenchResult {
  return {
    suite,
    title,
    startedAt: new Date(startedMs).toISOString(),
    durationSeconds: round1((Date.now() - startedMs) / 1000),
    machine: { cpus: cpus().length, node: process.version, platform: process.platform },
    targets,
    data: { loadAverageAtEnd: loadAverage(), ...data },
  };
}
