import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { cyclePlan, runFailoverCampaign } from "../harness/resilience-failover.js";
import { describeDistribution, writeResult } from "../harness/resilience-stats.js";

const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const cycles = {
  SIGKILL: count("VRS_SOAK_SIGKILL_CYCLES", 200),
  SIGTERM: count("VRS_SOAK_SIGTERM_CYCLES", 40),
  SIGSTOP: count("VRS_SOAK_SIGSTOP_CYCLES", 10),
};
/** kube-controller-manager's timings, the controller's defaults: the ones the targets are for. */
const timings = {
  leaseDuration: "15s",
  renewDeadline: "10s",
  retryPeriod: "2s",
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
};

describe("soak: leader failover with default lease timings", () => {
  it(`takes over after ${cycles.SIGKILL} SIGKILLs, ${cycles.SIGTERM} SIGTERMs and ${cycles.SIGSTOP} SIGSTOPs of the leader with one writer at a time`, async () => {
    const report = await runFailoverCampaign({
      name: `soak-failover-${process.pid % 1000}`,
      localstackEndpoint: inject("localstackEndpoint"),
      kubeconfigPath: inject("kubeconfigPath"),
      timings,
      cycles: cyclePlan(cycles),
      logDir: mkdtempSync(join(tmpdir(), "vrs-soak-failover-")),
      progress: (line) => console.log(line),
    });
    const path = writeResult("failover", report);
    console.log(
      [
        `leader failover (default timings): ${report.cycles.length} cycles, ${report.processes} processes, ${report.writes} writes in ${(report.durationMs / 60_000).toFixed(1)} min -> ${path}`,
        ...Object.entries(report.takeover).map(([kind, d]) =>
          describeDistribution(`takeover after ${kind}`, d),
        ),
        `unprovoked leadership losses: ${report.unprovokedLosses.length}`,
      ].join("\n"),
    );
    expect(report.violations).toEqual([]);
    expect(report.cycles).toHaveLength(cycles.SIGKILL + cycles.SIGTERM + cycles.SIGSTOP);
  });
});
