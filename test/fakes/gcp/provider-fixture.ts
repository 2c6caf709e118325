/**
 * The GCP provider wired to a seeded fake over real HTTP, sharing one virtual clock: operation
 * lifetimes, `wait` deadlines and the provider's own timeouts all run on it, so realistic
 * timings (seconds per operation, 2-minute waits) cost no wall time and never race.
 */

import { createGcpProvider, type GcpProviderOptions } from "../../../providers/gcp/index.js";
import type { CallObserver, Provider, RouteWrite } from "../../../providers/types.js";
import { mustParseCidr } from "../../../src/domain/cidr.js";
import type { NodeInfo } from "../../../src/domain/service.js";
import { silentLogger } from "../../../src/observability/logger.js";
import type { FakeBehaviour } from "./env.js";
import { ManualClock } from "./manual-clock.js";
import { startSeededFake } from "./sdk-harness.js";
import { fakeAuthClient } from "./sdk-options.js";
import type { FakeCompute } from "./server.js";

/** A CallObserver that keeps every report, for assertions on outcomes. */
export class RecordingObserver implements CallObserver {
  readonly calls: { operation: string; outcome: string }[] = [];
  onCall(_provider: string, operation: string, outcome: "ok" | "throttled" | "error"): void {
    this.calls.push({ operation, outcome });
  }
}

/** A provider, its fake, the shared clock and the call recorder. */
export interface ProviderFixture {
  readonly clock: ManualClock;
  readonly fake: FakeCompute;
  readonly provider: Provider;
  readonly observer: RecordingObserver;
  close(): Promise<void>;
}

/** Starts a seeded fake (network `vpc`, instances node-a / node-b) and a provider for cluster `prod`. */
export async function startProviderFixture(
  options: Partial<GcpProviderOptions> & { behaviour?: Partial<FakeBehaviour> } = {},
): Promise<ProviderFixture> {
  const { behaviour, ...overrides } = options;
  const clock = new ManualClock();
  const fake = await startSeededFake({
    clock,
    timings: { pendingMs: 500, runningMs: 2_000, waitMaxMs: 120_000, waitPollMs: 250 },
    // Most provider tests assert exact listings; provider-documented.test.ts turns the
    // network's system routes (and the other undocumented choices) on, both ways.
    behaviour: { systemRoutes: false, ...behaviour },
  });
  const observer = new RecordingObserver();
  const provider = createGcpProvider({
    clusterId: "prod",
    project: "test-project",
    network: "vpc",
    clock,
    logger: silentLogger(),
    calls: observer,
    endpoint: fake.url,
    authClient: fakeAuthClient(),
    requestTimeoutMs: 5_000,
    ...overrides,
  });
  return { clock, fake, provider, observer, close: () => fake.close() };
}

/** Node objects matching the seeded instances. */
export const nodeA: NodeInfo = {
  name: "node-a",
  providerId: "gce://test-project/europe-west1-b/node-a",
  internalIps: ["10.0.0.2"],
};
/** The dual-stack node (instance node-b). */
export const nodeB: NodeInfo = {
  name: "node-b",
  providerId: "gce://test-project/europe-west1-c/node-b",
  internalIps: ["10.0.0.3"],
};

/** Target ids of the seeded instances. */
export const targetA = {
  id: "projects/test-project/zones/europe-west1-b/instances/node-a",
  nodeName: "node-a",
};
/** Target id of instance node-b. */
export const targetB = {
  id: "projects/test-project/zones/europe-west1-c/instances/node-b",
  nodeName: "node-b",
};

/** A RouteWrite for network `vpc` on behalf of `vpn/openvpn` in cluster `prod`. */
export function routeWrite(
  kind: RouteWrite["kind"],
  cidr: string,
  target?: { id: string; nodeName: string },
  extra: Partial<RouteWrite> = {},
): RouteWrite {
  return {
    kind,
    table: "vpc",
    cidr: mustParseCidr(cidr),
    target,
    owner: { clusterId: "prod", service: "vpn/openvpn" },
    adopt: false,
    routeExists: kind !== "create",
    ownerChanged: kind !== "delete",
    ...extra,
  };
}
