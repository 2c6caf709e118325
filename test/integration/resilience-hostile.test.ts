import { describe, expect, it } from "vitest";
import {
  fuzzAnnotationsAndPolicy,
  fuzzConfigLoader,
  fuzzPlannerPipeline,
} from "../harness/resilience-hostile.js";

/** A new seed per run widens coverage over time; a failure prints it, VRS_FUZZ_SEED replays it. */
const seed = Number(process.env.VRS_FUZZ_SEED ?? Date.now() % 2 ** 31);

// The 74 named hostile annotation cases are src/annotations/hostile.test.ts; these are random
// inputs by the thousand (by the hundred thousand in `npm run soak`).
describe(`hostile input, fast-check (seed ${seed})`, () => {
  it("never crashes on 5,000 random annotation maps and accepts only canonical CIDRs inside the allowlist", () => {
    const stats = fuzzAnnotationsAndPolicy(5_000, seed);
    console.log(`annotations + policy: ${JSON.stringify(stats)}`);
    expect(stats.accepted).toBeGreaterThan(0);
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.invalid).toBeGreaterThan(0);
  });

  it("loads 2,000 random flag/env/config-file combinations into a consistent Config or a ConfigError, never anything else", () => {
    const stats = fuzzConfigLoader(2_000, seed);
    console.log(`config loader: ${JSON.stringify(stats)}`);
    expect(stats.loaded).toBeGreaterThan(0);
    expect(stats.invalid).toBeGreaterThan(0);
  });

  it("plans routes only for safe CIDRs from 2,000 random sets of hostile Services, policies and observed routes", () => {
    const stats = fuzzPlannerPipeline(2_000, seed);
    console.log(`planner pipeline: ${JSON.stringify(stats)}`);
    expect(stats.accepted).toBeGreaterThan(0);
  });
});
