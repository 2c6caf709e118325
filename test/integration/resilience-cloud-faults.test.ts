import { describe, type ExpectStatic, inject, it } from "vitest";
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
import { describeDistribution, writeResult } from "../harness/resilience-stats.js";

const id = process.pid % 1000;
/**
 * How long one step may take before the test fails as hung. The 2-minute target under 30 %
 * faults is the soak's to check (test/soak/cloud-faults.test.ts asserts it over many seeds);
 * this ordinary test checks that every step converges, to exactly the requested routes.
 */
const stepTimeoutMs = 180_000;

function report(r: FaultCampaignReport): void {
  console.log(
    [
      `${r.cloud} under ${r.probability * 100} % faults (seed ${r.seed}): ${r.calls.failed} of ${r.calls.calls} calls failed (${(r.calls.failedShare * 100).toFixed(1)} %), passes ${JSON.stringify(r.passes)}`,
      ...r.steps.map((s) => `  ${s.step}: ${(s.convergedMs / 1000).toFixed(1)} s`),
      `  loop back-offs: ${r.backoff.retries}, ${(r.backoff.totalMs / 1000).toFixed(1)} s in total, longest ${(r.backoff.maxMs / 1000).toFixed(1)} s, ${JSON.stringify(r.backoff.reasons)}`,
      `  ${describeDistribution("convergence", r.convergence)}`,
    ].join("\n"),
  );
  if (process.env.VRS_RESILIENCE_RESULTS === "1") writeResult(`faults-${r.cloud}-short`, r);
}

async function campaign(world: Promise<FaultWorld>, seed: number): Promise<FaultCampaignReport> {
  const r = await runFaultCampaign({
    world: await world,
    seed,
    rounds: 1,
    stepTimeoutMs,
  });
  report(r);
  return r;
}

function expectHealthy(expect: ExpectStatic, r: FaultCampaignReport): void {
  // The faults really were there...
  expect(r.calls.failedShare).toBeGreaterThan(0.15);
  // ...every step converged to exactly the requested routes (checked inside the campaign)...
  expect(r.steps.map((s) => s.step)).toHaveLength(2);
  for (const step of r.steps) expect(step.convergedMs).toBeLessThan(stepTimeoutMs);
  // ...and once converged, passes write nothing: no duplicate, no flapping, nothing left over.
  expect(r.quiet.underFaults.passes).toBeGreaterThan(0);
  expect(r.quiet.underFaults.writes).toBe(0);
  expect(r.quiet.afterFaults).toEqual({ passes: 2, writes: 0 });
}

// The three clouds run side by side: most of their time is spent waiting out faults.
describe.concurrent("cloud faults: 30 % of cloud calls fail with throttling, 5xx, timeouts and lost answers", () => {
  it("AWS (LocalStack behind the EC2 fault proxy): converges with exactly one owned route per CIDR and table, nothing orphaned", async ({
    expect,
  }) => {
    const r = await campaign(
      awsFaultWorld(`rs-faults-aws-${id}`, inject("localstackEndpoint"), inject("kubeconfigPath")),
      7,
    );
    expectHealthy(expect, r);
  }, 600_000);

  it("GCP (Compute fake): converges with exactly one owned route per CIDR, no make-before-break leftovers", async ({
    expect,
  }) => {
    const r = await campaign(gcpFaultWorld(`rs-faults-gcp-${id}`, inject("kubeconfigPath")), 11);
    expectHealthy(expect, r);
  }, 600_000);

  it("Azure (ARM fake): converges with exactly one owned route per CIDR in both tables, ownership tags matching", async ({
    expect,
  }) => {
    const r = await campaign(
      azureFaultWorld(`rs-faults-azure-${id}`, inject("kubeconfigPath")),
      13,
    );
    expectHealthy(expect, r);
  }, 600_000);
});
