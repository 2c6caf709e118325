import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { silentLogger } from "../../src/observability/logger.js";
import { routeWrite, targetA } from "../../test/fakes/gcp/provider-fixture.js";
import { startSeededFake } from "../../test/fakes/gcp/sdk-harness.js";
import { fakeAuthClient } from "../../test/fakes/gcp/sdk-options.js";
import type { FakeCompute } from "../../test/fakes/gcp/server.js";
import { createGcpProvider } from "./index.js";

// The one GCP test on real time: globalOperations.wait holds for its real limit (about two
// minutes) while the operation runs, so only the provider's own bound on one wait call
// (operationWaitCallMs) lets it go on polling. On the virtual clock of the other tests a held
// wait costs no wall time, so that bound is never what ends a call.

let fake: FakeCompute;
beforeAll(async () => {
  fake = await startSeededFake({
    clock: systemClock,
    timings: { pendingMs: 100, runningMs: 1_500, waitMaxMs: 120_000, waitPollMs: 50 },
    behaviour: { systemRoutes: false },
  });
});
afterAll(() => fake.close());

describe("GCP provider against a wait that holds for its real limit", () => {
  it("cuts each wait call at its own bound and still sees the operation reach DONE", async () => {
    const provider = createGcpProvider({
      clusterId: "prod",
      project: "test-project",
      network: "vpc",
      clock: systemClock,
      logger: silentLogger(),
      endpoint: fake.url,
      authClient: fakeAuthClient(),
      operationWaitCallMs: 300,
      pollIntervalMs: 100,
      operationTimeoutMs: 60_000,
    });
    await provider.applyWrite(routeWrite("create", "10.8.0.0/24", targetA));
    expect(fake.control.routes().map((r) => r.destRange)).toEqual(["10.8.0.0/24"]);
    // Without the bound the first wait would hold until DONE: one call. With it, several.
    expect(fake.control.calls.count("globalOperations.wait")).toBeGreaterThanOrEqual(2);
  });
});
