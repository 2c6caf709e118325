/**
 * Distributions and result files for the resilience suite. Numbers are reported (console and
 * JSON under test/soak/results/), not asserted against the docs/design.md targets: only generous
 * bounds are asserted, so a slow shared machine does not turn a measurement into a flake.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Summary of a sample in milliseconds (nearest-rank percentiles). */
export interface Distribution {
  readonly n: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles of `samples`; all zero for an empty sample. */
export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const round = (x: number) => Math.round(x);
  return {
    n: sorted.length,
    min: round(sorted[0] ?? 0),
    p50: round(rank(50)),
    p90: round(rank(90)),
    p99: round(rank(99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(mean),
  };
}

/** One line for the console: `label: n=20 p50=3.9 s p90=4.4 s p99=4.6 s max=4.6 s`. */
export function describeDistribution(label: string, d: Distribution): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `${label}: n=${d.n} min=${s(d.min)} p50=${s(d.p50)} p90=${s(d.p90)} p99=${s(d.p99)} max=${s(d.max)} mean=${s(d.mean)}`;
}

const resultsDir = join(import.meta.dirname, "..", "soak", "results");

/**
 * Writes `value` as `test/soak/results/<name>.json` with the run's date and host facts, for the
 * soak (and for `VRS_RESILIENCE_RESULTS=1` runs of the short variants). Returns the path.
 */
export function writeResult(name: string, value: unknown): string {
  const dir = process.env.VRS_RESULTS_DIR ?? resultsDir;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  const document = {
    name,
    finishedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    result: value,
  };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}
