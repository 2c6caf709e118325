/**
 * The three clouds as fault worlds: AWS is LocalStack behind the EC2 fault proxy, GCP and Azure
 * are their fakes with the fakes' own seeded fault switches. Each mix holds the faults its cloud
 * really produces: throttling, 5xx, timeouts (a held response the client gives up on), resets,
 * and writes that took effect but whose answer was lost.
 */

import { armTimings } from "../fakes/azure/arm-timings.js";
import type { FaultSpec } from "../fakes/azure/fake-azure.js";
import { ec2Faults, type ProxyFault, startFaultProxy } from "../fakes/fault-proxy.js";
import type { Fault } from "../fakes/gcp/faults.js";
import { AwsScenario } from "./aws-scenario.js";
import { AzureScenario } from "./azure-scenario.js";
import { GcpScenario } from "./gcp-scenario.js";
import { awsProblems, azureProblems, gcpProblems } from "./resilience-cloud-state.js";
import {
  azureFakeProvider,
  gcpFakeProvider,
  startCapturedController,
} from "./resilience-controller.js";
import { type FaultWorld, faultProbability } from "./resilience-faults.js";
import { mutatingActions } from "./resilience-recorder.js";

/** Default lease timings: one replica acquires a fresh Lease at once and keeps it under load. */
const lease = {
  leaderElectLeaseDuration: "15s",
  leaderElectRenewDeadline: "10s",
  leaderElectRetryPeriod: "2s",
};

/**
 * EC2's faults. A bare hold is answered by the SDK's own 10 s request timeout
 * (providers/aws/client.ts); the short holds end in a reset after 2 s.
 */
export const awsFaultMix: readonly ProxyFault[] = [
  ec2Faults.throttle(),
  ec2Faults.internalError(),
  ec2Faults.unavailable(),
  ec2Faults.hold(),
  ec2Faults.hold(2_000),
  ec2Faults.reset(),
  { ...ec2Faults.internalError(), afterForward: true },
  { ...ec2Faults.unavailable(), afterForward: true },
  { kind: "reset", afterForward: true },
];

/** AWS: LocalStack behind the fault proxy; the controller's endpoint is the proxy's. */
export async function awsFaultWorld(
  name: string,
  localstackEndpoint: string,
  kubeconfigPath: string,
): Promise<FaultWorld> {
  const s = await new AwsScenario(name, localstackEndpoint, kubeconfigPath).setUp();
  const proxy = await startFaultProxy(localstackEndpoint);
  return {
    cloud: "aws",
    namespace: s.namespace,
    objects: s.objects,
    nodeName: (i) => s.node(i).name,
    target: (i) => s.node(i).eniId,
    problems: (expected) => awsProblems(s.ec2, s.vpc.routeTableIds, s.name, expected),
    writeCalls: () => [...mutatingActions].reduce((n, action) => n + proxy.count(action), 0),
    callStats: () => ({ calls: proxy.count(), failed: proxy.faulted() }),
    startController: () =>
      startCapturedController({
        options: s.options({ ...lease, awsEndpoint: proxy.url }),
        kubeConfig: s.kubeConfig,
      }),
    armFaults: (seed) =>
      proxy.failRandomly({ probability: faultProbability, seed, faults: awsFaultMix }),
    clearFaults: () => proxy.clear(),
    close: () => proxy.close(),
  };
}

/** Compute Engine's faults; "timeout" holds until the provider's 3 s request timeout. */
export const gcpFaultMix: readonly Fault[] = [
  { kind: "status", status: 429, retryAfterSeconds: 1, withErrorInfo: true },
  { kind: "status", status: 403 },
  { kind: "status", status: 500 },
  { kind: "status", status: 503 },
  { kind: "timeout" },
  { kind: "reset" },
  { kind: "status", status: 503, afterApply: true },
  { kind: "timeout", afterApply: true },
  { kind: "reset", afterApply: true },
];

/** GCP: the Compute fake with its seeded random faults. */
export async function gcpFaultWorld(name: string, kubeconfigPath: string): Promise<FaultWorld> {
  const s = await new GcpScenario(name, kubeconfigPath).setUp();
  const { control } = s.fake;
  return {
    cloud: "gcp",
    namespace: s.namespace,
    objects: s.objects,
    nodeName: (i) => s.node(i).name,
    target: (i) => s.node(i).name,
    problems: async (expected) => gcpProblems(control.routes(), s.name, expected),
    writeCalls: () => control.calls.count("routes.insert") + control.calls.count("routes.delete"),
    callStats: () => {
      const all = control.calls.all();
      return { calls: all.length, failed: all.filter((c) => c.faulted).length };
    },
    startController: () =>
      startCapturedController({
        options: s.options(lease),
        kubeConfig: s.kubeConfig,
        provider: gcpFakeProvider(s.fake.url),
      }),
    armFaults: (seed) =>
      control.faults.failRandomly({ probability: faultProbability, seed, faults: gcpFaultMix }),
    clearFaults: () => control.faults.clear(),
    close: () => s.tearDown(),
  };
}

/** ARM's faults; a 4 s delay outlasts the provider's 3 s read timeout (writes just wait). */
export const azureFaultEffects: readonly FaultSpec["effect"][] = [
  { status: 429, code: "TooManyRequests", retryAfterSeconds: 1 },
  { status: 500, code: "InternalServerError" },
  { status: 503, code: "ServiceUnavailable" },
  { reset: true },
  { delayMs: 4_000 },
];

/**
 * Azure: the ARM fake; each effect armed with the probability that makes 30 % in total. By
 * default the fake answers in milliseconds (20 ms writes, no Retry-After, polls every 10 ms);
 * `timings: "arm"` gives it ARM's timings (test/fakes/azure/arm-timings.ts: Retry-After 10 s on
 * every long-running response, writes that complete after 5 s) and the provider the SDK's own
 * polling, as in production.
 */
export async function azureFaultWorld(
  name: string,
  kubeconfigPath: string,
  timings: "fast" | "arm" = "fast",
): Promise<FaultWorld> {
  const arm = timings === "arm";
  const s = await new AzureScenario(name, kubeconfigPath).setUp(true, arm ? armTimings : undefined);
  const each = 1 - (1 - faultProbability) ** (1 / azureFaultEffects.length);
  const writes = ["routes.createOrUpdate", "routes.delete", "tags.updateAtScope"] as const;
  return {
    cloud: arm ? "azure-arm-timings" : "azure",
    namespace: s.namespace,
    objects: s.objects,
    nodeName: (i) => s.node(i).name,
    target: (i) => s.node(i).ip,
    problems: async (expected) => azureProblems(s.fake, s.tables, s.name, expected),
    writeCalls: () => writes.reduce((n, op) => n + s.fake.calls(op), 0),
    callStats: () => {
      const all = s.fake.callLog();
      return {
        calls: all.length,
        failed: all.filter((c) => c.status === 0 || c.status >= 400).length,
      };
    },
    startController: () =>
      startCapturedController({
        options: s.options(lease),
        kubeConfig: s.kubeConfig,
        provider: azureFakeProvider(s.fake, { sdkPolling: arm }),
      }),
    armFaults: (seed) => {
      for (const [i, effect] of azureFaultEffects.entries())
        s.fake.injectFault({ operation: "*", effect, probability: each, seed: seed + i });
      // A write accepted, then its long-running operation ends Failed.
      for (const operation of ["routes.createOrUpdate", "routes.delete"] as const)
        s.fake.injectFault({
          operation,
          effect: { asyncFailure: { code: "InternalServerError", message: "Injected failure." } },
          probability: 0.1,
          seed: seed + 10,
        });
    },
    clearFaults: () => s.fake.clearFaults(),
    close: () => s.tearDown(),
  };
}
