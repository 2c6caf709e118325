import type { BenchResult } from "./results.js";
import { cleanUpOnExit } from "./support.js";

/**
 * Every benchmark suite by name; `npm run bench -- <name>...` runs a subset. Each suite's module
 * is loaded only when it runs, so running one suite does not load every cloud SDK the others use.
 */
const suites: Record<string, () => Promise<BenchResult>> = {
  planner: async () => (await import("./planner.js")).benchPlanner(),
  "convergence-aws": async () => (await import("./convergence-aws.js")).benchConvergenceAws(),
  "api-budget": async () => (await import("./api-budget.js")).benchApiBudget(),
  "memory-scale": async () => (await import("./memory-scale.js")).benchMemoryScale(),
  bundle: async () => (await import("./bundle.js")).benchBundle(),
  "convergence-gcp": async () => (await import("./convergence-gcp.js")).benchConvergenceGcp(),
  "convergence-azure": async () => (await import("./convergence-azure.js")).benchConvergenceAzure(),
  drain: async () => (await import("./drain.js")).benchDrain("keep"),
  "drain-withdraw": async () => (await import("./drain.js")).benchDrain("withdraw"),
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const names = wanted.length > 0 ? wanted : Object.keys(suites);
  const unknown = names.filter((n) => !(n in suites));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark(s) ${unknown.join(", ")}; choose from ${Object.keys(suites).join(", ")}\n`,
    );
    return 2;
  }
  for (const name of names) {
    process.stdout.write(`\n== ${name} ==\n`);
    const result = await suites[name]?.();
    for (const t of result?.targets ?? []) {
      process.stdout.write(
        `  ${t.met ? "met " : "MISS"}  ${t.name}: ${t.measured} (target ${t.target})\n`,
      );
    }
  }
  process.stdout.write("\nresults: bench/results/*.json and bench/results/summary.md\n");
  return 0;
}

cleanUpOnExit();
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
