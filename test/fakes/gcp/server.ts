/**
 * A local, plain-HTTP Compute Engine v1 REST endpoint on 127.0.0.1 (free port) for tests and
 * benchmarks: the real @google-cloud/compute clients talk to it with only `apiEndpoint`, `port`,
 * `protocol: "http"` and credentials changed (see sdk-options.ts).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, systemClock } from "../../../src/clock.js";
import { CallLog } from "./calls.js";
import { FakeComputeControl } from "./control.js";
import type { FakeBehaviour, FakeEnv, FakeTimings } from "./env.js";
import { FaultInjector } from "./faults.js";
import { route } from "./router.js";
import { FakeComputeState } from "./state.js";

/** How to start the fake. */
export interface FakeComputeOptions {
  /** Default project for seeds (default `test-project`). */
  readonly project?: string;
  readonly clock?: Clock;
  /** Operation timings; defaults are short (5 ms pending, 20 ms running, 50 ms max wait). */
  readonly timings?: Partial<FakeTimings>;
  /** Undocumented behaviours (defaults: www host, exact URL match, system routes listed). */
  readonly behaviour?: Partial<FakeBehaviour>;
  /** When set, requests must carry exactly this bearer token. */
  readonly accessToken?: string;
}

/** A running fake. */
export interface FakeCompute {
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly control: FakeComputeControl;
  close(): Promise<void>;
}

/** Starts the fake and resolves once it listens. */
export async function startFakeCompute(options: FakeComputeOptions = {}): Promise<FakeCompute> {
  const project = options.project ?? "test-project";
  const timings: FakeTimings = {
    pendingMs: 5,
    runningMs: 20,
    waitMaxMs: 50,
    waitPollMs: 2,
    ...options.timings,
  };
  const env: FakeEnv = {
    state: new FakeComputeState(),
    clock: options.clock ?? systemClock,
    timings,
    behaviour: {
      urlHost: "www.googleapis.com",
      urlFieldMatch: "exact",
      systemRoutes: true,
      ...options.behaviour,
    },
    user: `vpc-route-sync@${project}.iam.gserviceaccount.com`,
  };
  const calls = new CallLog();
  const faults = new FaultInjector();
  let release = () => {};
  const closing = new Promise<void>((resolve) => {
    release = resolve;
  });
  const deps = { env, calls, faults, accessToken: options.accessToken, closing };
  const server: Server = createServer((req, res) => {
    void route(deps, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    url: `http://127.0.0.1:${port}`,
    control: new FakeComputeControl(env, calls, faults, project),
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
