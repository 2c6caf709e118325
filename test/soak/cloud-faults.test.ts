import { describe, inject, it } from "vitest";
import { armTimings } from "../fakes/azure/arm-timings.js";
import {
  awsFaultWorld,
  azureFaultWorld,
  gcpFaultWorld,
} from "../harness/resilience-fault-worlds.js";
import {
  type FaultCampaignReport,
  type FaultWorld,
  runFaultCampaign,
} from "../harness/resilience-faults.js";
import { describeDistribution, distribution, writeResult } from "../harness/resilience-stats.js";

const rounds = Number(process.env.VRS_SOAK_FAULT_ROUNDS ?? 10);
const seeds = (process.env.VRS_SOAK_FAULT_SEEDS ?? "101,202").split(",").map(Number);
const id = process.pid % 1000;
const armFakeSettings = {
  ...armTimings,
  polling:
    "the SDK's own: a first poll at once, then after each poll response's Retry-After (2 s default without one)",
  assumptions: "issue 14: ARM's documented async-operation timings, not measured on Azure",
};
/** docs/design.md, Targets: converge within 2 minutes with 30 % of cloud calls failing. */
const targetMs = 120_000;

/**
 * Azure runs on ARM's timings (Retry-After 10 s, 5 s writes; test/fakes/azure/arm-timings.ts),
 * as issue 14 asks of the timing-sensitive suites; `VRS_SOAK_AZURE_TIMINGS=fast` runs it on the
 * fake's millisecond timings instead (results in faults-azure.json, as before).
 */
const azureTimings = process.env.VRS_SOAK_AZURE_TIMINGS === "fast" ? "fast" : "arm";
const azureWorld = (seed: number) =>
  azureFaultWorld(`soak-faults-azure-${id}-${seed}`, inject("kubeconfigPath"), azureTimings);

const worlds: Record<string, (seed: number) => Promise<FaultWorld>> = {
  aws: (seed) =>
    awsFaultWorld(
      `soak-faults-aws-${id}-${seed}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ),
  gcp: (seed) => gcpFaultWorld(`soak-faults-gcp-${id}-${seed}`, inject("kubeconfigPath")),
  [azureTimings === "arm" ? "azure-arm-timings" : "azure"]: azureWorld,
};

describe(`soak: ${rounds} rounds of changes under 30 % cloud faults, seeds ${seeds.join(", ")}`, () => {
  it.concurrent.for(Object.keys(worlds))(
    "%s converges every round within the 2-minute target, nothing duplicated or orphaned",
    async (cloud, { expect }) => {
      const reports: FaultCampaignReport[] = [];
      const world = worlds[cloud];
      if (world === undefined) throw new Error(`no fault world ${cloud}`);
      for (const seed of seeds) {
        const report = await runFaultCampaign({
          world: await world(seed),
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
        ...(cloud === "azure-arm-timings" ? { fakeSettings: armFakeSettings } : {}),
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
