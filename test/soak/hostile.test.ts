import { describe, expect, it } from "vitest";
import {
  fuzzAnnotationsAndPolicy,
  fuzzConfigLoader,
  fuzzPlannerPipeline,
} from "../harness/resilience-hostile.js";
import { writeResult } from "../harness/resilience-stats.js";

const runs = Number(process.env.VRS_SOAK_FUZZ_RUNS ?? 100_000);
const seed = Number(process.env.VRS_FUZZ_SEED ?? Date.now() % 2 ** 31);

describe(`soak: hostile input, ${runs} inputs per property (seed ${seed})`, () => {
  it("annotations, config loader and planner pipeline: no crash, no unsafe CIDR accepted or planned", () => {
    const timed = <T>(run: () => T) => {
      const started = performance.now();
      const stats = run();
      return { ...stats, ms: Math.round(performance.now() - started) };
    };
    const result = {
      seed,
      annotations: timed(() => fuzzAnnotationsAndPolicy(runs, seed)),
      config: timed(() => fuzzConfigLoader(runs, seed + 1)),
      planner: timed(() => fuzzPlannerPipeline(runs, seed + 2)),
    };
    const path = writeResult("hostile", result);
    console.log(`${JSON.stringify(result, null, 2)}\n-> ${path}`);
    expect(result.annotations.accepted).toBeGreaterThan(0);
    expect(result.config.loaded).toBeGreaterThan(0);
    expect(result.planner.accepted).toBeGreaterThan(0);
  });
});
