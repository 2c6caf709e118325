import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalKubeApiServer, startKubeApiServer } from "../harness/kube-apiserver.js";
import {
  describeRestart,
  orphanCidr,
  type RestartReport,
  runRestartScenario,
} from "../harness/resilience-restart.js";
import { writeResult } from "../harness/resilience-stats.js";

const outages = (process.env.VRS_SOAK_OUTAGES_MS ?? "5000,30000,90000").split(",").map(Number);

describe(`soak: API server outages of ${outages.join(", ")} ms on a dedicated kube-apiserver`, () => {
  let kube: LocalKubeApiServer;
  beforeAll(async () => {
    kube = await startKubeApiServer();
  }, 180_000);
  afterAll(async () => {
    await kube?.stop();
  });

  it("writes nothing while the server is gone and converges after every outage", async () => {
    const reports: RestartReport[] = [];
    for (const [i, downMs] of outages.entries()) {
      const r = await runRestartScenario({
        kube,
        localstackEndpoint: inject("localstackEndpoint"),
        name: `soak-restart-${process.pid % 1000}-${i}`,
        downMs,
        recoveryTimeoutMs: 300_000,
      });
      console.log(`outage ${downMs} ms: ${describeRestart(r)}`);
      reports.push(r);
    }
    writeResult("apiserver-restart", reports);
    for (const r of reports) {
      expect(r.writesWhileGone).toEqual([]);
      for (const w of r.deletes) {
        expect(w.at).toBeGreaterThan(r.backAt);
        expect(Object.values(w.params).some((v) => v.includes(orphanCidr))).toBe(true);
      }
    }
  });
});
