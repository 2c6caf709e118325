import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { cyclePlan, runFailoverCampaign } from "../harness/resilience-failover.js";
import { describeDistribution, writeResult } from "../harness/resilience-stats.js";

/** Short lease timings so 26 leader changes fit in about two minutes (soak: the defaults). */
const timings = {
  leaseDuration: "3s",
  renewDeadline: "2s",
  retryPeriod: "500ms",
  leaseDurationMs: 3_000,
  renewDeadlineMs: 2_000,
};

describe("leader failover: three controller processes, the leader taken away again and again", () => {
  it("hands over after SIGKILL, SIGTERM and SIGSTOP of the leader, converges each time, and never has two writers interleave", async () => {
    const report = await runFailoverCampaign({
      name: `rs-failover-${process.pid % 1000}`,
      localstackEndpoint: inject("localstackEndpoint"),
      kubeconfigPath: inject("kubeconfigPath"),
      timings,
      cycles: cyclePlan({ SIGKILL: 20, SIGTERM: 4, SIGSTOP: 2 }),
      logDir: mkdtempSync(join(tmpdir(), "vrs-failover-")),
    });
    const lines = Object.entries(report.takeover).map(([kind, d]) =>
      describeDistribution(`takeover after ${kind} (signal -> new leader's first write)`, d),
    );
    console.log(
      [
        `leader failover, lease ${timings.leaseDuration} / renew ${timings.renewDeadline} / retry ${timings.retryPeriod}: ${report.cycles.length} cycles, ${report.processes} processes, ${report.writes} writes in ${(report.durationMs / 1000).toFixed(0)} s (logs: ${report.logDir})`,
        ...lines,
        `leadership lost with nothing frozen (reported, not asserted): ${report.unprovokedLosses.join(", ") || "none"}`,
      ].join("\n"),
    );
    if (process.env.VRS_RESILIENCE_RESULTS === "1") writeResult("failover-short", report);

    expect(report.violations).toEqual([]);
    expect(report.cycles.map((c) => c.kind)).toEqual(
      cyclePlan({ SIGKILL: 20, SIGTERM: 4, SIGSTOP: 2 }),
    );
    // Each cycle moved the endpoint twice across three tables: at least six writes per cycle.
    expect(report.writes).toBeGreaterThanOrEqual(6 * report.cycles.length);
    // Generous bounds only (the targets are measured, not asserted): a crashed or frozen leader
    // is replaced within lease + renew deadline + 10 s, a released lease within 5 s of a retry.
    for (const cycle of report.cycles) {
      const bound = cycle.kind === "SIGTERM" ? 2.2 * 500 + 5_000 : 3_000 + 2_000 + 10_000;
      expect(cycle.takeoverMs, `cycle ${cycle.index} (${cycle.kind})`).toBeLessThan(bound);
      expect(new Set([cycle.from, cycle.to]).size).toBe(2);
    }
  }, 600_000);
});
