/**
 * The cloud-fault campaign, the same on every cloud: three VPN Services (four CIDRs) are
 * programmed, moved and deleted/re-created while 30 % of the controller's cloud calls fail
 * (throttling, 5xx, timeouts, resets, and writes whose answer is lost after they took effect).
 * Each step must converge to exactly the requested routes (resilience-cloud-state.ts), and once
 * converged the controller must stay quiet: no write over several successful passes.
 */

import type { KubeObjects } from "./kube-objects.js";
import type { ExpectedRoute } from "./resilience-cloud-state.js";
import type { CapturedController } from "./resilience-controller.js";
import { waitFor } from "./resilience-processes.js";
import { type Distribution, distribution } from "./resilience-stats.js";

/** Share of cloud calls that fail in every campaign (docs/design.md, Targets). */
export const faultProbability = 0.3;

/** How long (at least, and one whole pass) the converged controller is watched under faults. */
const quietWindowMs = 8_000;

/** One cloud behind faults, as the campaign drives it. */
export interface FaultWorld {
  readonly cloud: string;
  readonly namespace: string;
  readonly objects: KubeObjects;
  nodeName(i: number): string;
  /** What a route to node `i` points at: ENI id, instance name or next-hop IP. */
  target(i: number): string;
  problems(expected: readonly ExpectedRoute[]): Promise<string[]>;
  /** Mutating calls that reached the cloud so far, faulted ones included. */
  writeCalls(): number;
  callStats(): { readonly calls: number; readonly failed: number };
  startController(): Promise<CapturedController>;
  armFaults(seed: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** One step of the campaign and how long the controller took to converge after it. */
export interface FaultStep {
  readonly step: string;
  readonly convergedMs: number;
}

/** What a campaign measured. */
export interface FaultCampaignReport {
  readonly cloud: string;
  readonly seed: number;
  readonly probability: number;
  readonly steps: readonly FaultStep[];
  readonly convergence: Distribution;
  /**
   * Passes after the last step and the writes they made (must be 0): for `quietWindowMs` still
   * under faults, then two successful passes once the faults are cleared.
   */
  readonly quiet: {
    readonly underFaults: { readonly passes: number; readonly writes: number };
    readonly afterFaults: { readonly passes: number; readonly writes: number };
  };
  readonly calls: { readonly calls: number; readonly failed: number; readonly failedShare: number };
  readonly passes: { readonly success: number; readonly error: number; readonly skipped: number };
  /** The loop's "pass will be retried" back-offs: how many, their total and longest delay, why. */
  readonly backoff: {
    readonly retries: number;
    readonly totalMs: number;
    readonly maxMs: number;
    readonly reasons: Readonly<Record<string, number>>;
  };
}

interface ServiceState {
  readonly cidrs: readonly string[];
  node: number;
  present: boolean;
}

/** Runs `rounds` rounds of changes under faults on `world`; the world is closed afterwards. */
export async function runFaultCampaign(o: {
  readonly world: FaultWorld;
  readonly seed: number;
  readonly rounds: number;
  readonly stepTimeoutMs: number;
  readonly progress?: (line: string) => void;
}): Promise<FaultCampaignReport> {
  const { world } = o;
  const services = new Map<string, ServiceState>([
    ["openvpn", { cidrs: ["10.8.0.0/24", "10.8.1.0/24"], node: 0, present: true }],
    ["wireguard", { cidrs: ["10.8.2.0/24"], node: 1, present: true }],
    ["ipsec", { cidrs: ["10.8.3.0/24"], node: 2, present: true }],
  ]);
  const expected = (): ExpectedRoute[] =>
    [...services].flatMap(([name, svc]) =>
      svc.present
        ? svc.cidrs.map((cidr) => ({
            cidr,
            target: world.target(svc.node),
            service: `${world.namespace}/${name}`,
          }))
        : [],
    );
  const serve = (name: string, svc: ServiceState) =>
    world.objects.setEndpoints(world.namespace, name, [
      { nodeName: world.nodeName(svc.node), address: `10.244.${svc.node}.${svc.cidrs.length}` },
    ]);
  const create = async (name: string, svc: ServiceState) => {
    await world.objects.createService(world.namespace, name, {
      "vpc-route-sync.io/cidrs": svc.cidrs.join(","),
    });
    await serve(name, svc);
  };
  const steps: FaultStep[] = [];
  const converge = async (step: string, started: number) => {
    let last: string[] = [];
    await waitFor(
      `${world.cloud} converges after "${step}"`,
      async () => {
        last = await world.problems(expected());
        return last.length === 0;
      },
      o.stepTimeoutMs,
      200,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; problems: ${last.join("; ")}`);
    });
    steps.push({ step, convergedMs: Math.round(performance.now() - started) });
    o.progress?.(`${world.cloud}: ${step} converged in ${steps.at(-1)?.convergedMs} ms`);
  };

  let controller: CapturedController | undefined;
  try {
    for (const [name, svc] of services) await create(name, svc);
    world.armFaults(o.seed);
    const started = performance.now();
    controller = await world.startController();
    await converge("programme 4 CIDRs from a cold start", started);
    for (let round = 1; round <= o.rounds; round++) {
      const at = performance.now();
      const changes: string[] = [];
      for (const name of ["openvpn", "wireguard"]) {
        const svc = services.get(name);
        if (svc === undefined) continue;
        svc.node = (svc.node + 1) % 3;
        await serve(name, svc);
        changes.push(`move ${name} to node ${svc.node}`);
      }
      const ipsec = services.get("ipsec");
      if (ipsec?.present) {
        await world.objects.deleteService(world.namespace, "ipsec");
        ipsec.present = false;
        changes.push("delete ipsec");
      } else if (ipsec !== undefined) {
        ipsec.node = round % 3;
        await create("ipsec", ipsec);
        ipsec.present = true;
        changes.push(`re-create ipsec on node ${ipsec.node}`);
      }
      await converge(`round ${round}: ${changes.join(", ")}`, at);
    }
    // Converged. Once the pass under way has finished (it may still retry a write whose answer
    // was lost) and one more has run, the controller must stay quiet: under faults, then without.
    const running = controller;
    const successes = () => running.passes.filter((p) => p.status === "success").length;
    const finished = running.passes.length;
    await waitFor(
      "two more passes finished",
      () => running.passes.length >= finished + 2,
      o.stepTimeoutMs,
    );
    let writesBefore = world.writeCalls();
    let passesBefore = running.passes.length;
    await new Promise((r) => setTimeout(r, quietWindowMs));
    // On ARM's timings one pass can outlast the window: it lasts until a pass has finished in it.
    await waitFor(
      "a pass finished under faults",
      () => running.passes.length > passesBefore,
      o.stepTimeoutMs,
    );
    const underFaults = {
      passes: running.passes.length - passesBefore,
      writes: world.writeCalls() - writesBefore,
    };
    const stats = world.callStats();
    world.clearFaults();
    writesBefore = world.writeCalls();
    passesBefore = successes();
    await waitFor(
      "two successful passes without faults",
      () => successes() >= passesBefore + 2,
      o.stepTimeoutMs,
    );
    const afterFaults = {
      passes: successes() - passesBefore,
      writes: world.writeCalls() - writesBefore,
    };
    const count = (status: string) => running.passes.filter((p) => p.status === status).length;
    const retries = running.logs.filter((l) => l.msg === "pass will be retried");
    const delays = retries.map((l) => Number(l.retryInMs ?? 0));
    const reasons: Record<string, number> = {};
    for (const l of retries) {
      const reason = String(l.reason ?? "a write failed");
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    return {
      cloud: world.cloud,
      seed: o.seed,
      probability: faultProbability,
      steps,
      convergence: distribution(steps.map((s) => s.convergedMs)),
      quiet: { underFaults, afterFaults },
      calls: { ...stats, failedShare: Math.round((stats.failed / stats.calls) * 1000) / 1000 },
      passes: { success: count("success"), error: count("error"), skipped: count("skipped") },
      backoff: {
        retries: retries.length,
        totalMs: delays.reduce((a, b) => a + b, 0),
        maxMs: Math.max(0, ...delays),
        reasons,
      },
    };
  } finally {
    world.clearFaults();
    await controller?.running.stop();
    await world.close();
  }
}
