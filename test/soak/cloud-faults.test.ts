import { describe, inject, it } from "vitest";
import {
  awsFaultWorld,
  azureFaultWorld,
  gcpFaultWorld,
} from "../harness/resilience-fault-worlds.js";
import { type FaultCampaignReport, runFaultCampaign } from "../harness/resilience-faults.js";
import { describeDistribution, distribution, writeResult } from "../harness/resilience-stats.js";

const rounds = Number(process.env.VRS_SOAK_FAULT_ROUNDS ?? 10);
const seeds = (process.env.VRS_SOAK_FAULT_SEEDS ?? "101,202").split(",").map(Number);
const id = process.pid % 1000;
/** docs/design.md, Targets: converge within 2 minutes with 30 % of cloud calls failing. */
const targetMs = 120_000;

const worlds = {
  aws: (seed: number) =>
    awsFaultWorld(
      `soak-faults-aws-${id}-${seed}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ),
  gcp: (seed: number) => gcpFaultWorld(`soak-faults-gcp-${id}-${seed}`, inject("kubeconfigPath")),
  azure: (seed: number) =>
    azureFaultWorld(`soak-faults-azure-${id}-${seed}`, inject("kubeconfigPath")),
};

describe(`soak: ${rounds} rounds of changes under 30 % cloud faults, seeds ${seeds.join(", ")}`, () => {
  it.concurrent.for(Object.keys(worlds) as (keyof typeof worlds)[])(
    "%s converges every round within the 2-minute target, nothing duplicated or orphaned",
    async (cloud, { expect }) => {
      const reports: FaultCampaignReport[] = [];
      for (const seed of seeds) {
        const report = await runFaultCampaign({
          world: await worlds[cloud](seed),
          seed,
          rounds,
          stepTimeoutMs: 600_000,
          progress: (line) => console.log(line),
        });
        reports.push(report);
      }
      const steps = reports.flatMap((r) => r.steps.map((s) => s.convergedMs));
      const all = distribution(steps);
      const overTarget = steps.filter((ms) => ms > targetMs).length;
      const path = writeResult(`faults-${cloud}`, {
        targetMs,
        convergence: all,
        overTarget,
        reports,
      });
      console.log(
        `${describeDistribution(`${cloud} convergence under faults`, all)}; over the 2 min target: ${overTarget} -> ${path}`,
      );
      for (const r of reports) {
        expect(r.quiet.underFaults.writes).toBe(0);
        expect(r.quiet.afterFaults.writes).toBe(0);
      }
      // The soak exists to check the target, so it is asserted here (ordinary tests never time).
      const late = reports.flatMap((r) =>
        r.steps.filter((s) => s.convergedMs > targetMs).map((s) => `seed ${r.seed} ${s.step}`),
      );
      expect(late, `steps over the ${targetMs / 1000} s target (${path})`).toEqual([]);
    },
  );
});
