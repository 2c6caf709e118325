/**
 * The leader-failover campaign: N controller processes on one AWS scenario, the leader signalled
 * again and again (SIGKILL, SIGTERM, or SIGSTOP and later SIGCONT) while the VPN endpoint keeps
 * moving, every EC2 write recorded with its writer and time. Shared by the `npm test` variant
 * (short lease timings) and the soak (default timings).
 */
import { CoordinationV1Api } from "@kubernetes/client-node";
import { AwsScenario } from "./aws-scenario.js";
import { awsProblems } from "./resilience-cloud-state.js";
import { ControllerProcess, waitFor } from "./resilience-processes.js";
import { CallLog, type CallRecorder, startCallRecorder } from "./resilience-recorder.js";
import { type Distribution, distribution } from "./resilience-stats.js";

/** How the leader is taken away: crash, graceful shutdown, or a freeze longer than its lease. */
export type CycleKind = "SIGKILL" | "SIGTERM" | "SIGSTOP";

/** Lease timings in flag form plus the two the campaign computes its waits from. */
export interface LeaseTimings {
  readonly leaseDuration: string;
  readonly renewDeadline: string;
  readonly retryPeriod: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
}

/** What to run. */
export interface FailoverCampaignOptions {
  readonly name: string;
  readonly localstackEndpoint: string;
  readonly kubeconfigPath: string;
  readonly timings: LeaseTimings;
  readonly cycles: readonly CycleKind[];
  readonly replicas?: number;
  readonly logDir: string;
  readonly progress?: (line: string) => void;
}

/** One leader change. */
export interface CycleResult {
  readonly index: number;
  readonly kind: CycleKind;
  readonly from: string;
  readonly to: string;
  /** Signal sent -> first EC2 write by another process. */
  readonly takeoverMs: number;
  /** Signal sent -> every table routes the moved CIDR to the new node. */
  readonly convergedMs: number;
  /** How the old leader ended: `SIGKILL`, `exit 0`, `exit 1`... */
  readonly oldLeaderEnd: string;
  /** SIGSTOP only: SIGCONT -> the stale leader's exit. */
  readonly staleExitMs?: number;
}

/** Everything the campaign saw; `violations` must be empty. */
export interface FailoverReport {
  readonly timings: LeaseTimings;
  readonly cycles: readonly CycleResult[];
  readonly takeover: Partial<Record<CycleKind, Distribution>>;
  readonly writes: number;
  readonly processes: number;
  readonly violations: readonly string[];
  /**
   * Replicas that logged "leadership lost" although nothing froze them: a leader giving up a
   * lease it could have renewed (reported, not asserted: a loaded machine can cause it legitimately).
   */
  readonly unprovokedLosses: readonly string[];
  readonly durationMs: number;
  readonly logDir: string;
}

const cidr = "10.8.0.0/24";

/** Runs the campaign; always stops its processes and recorders. */
export async function runFailoverCampaign(o: FailoverCampaignOptions): Promise<FailoverReport> {
  const started = Date.now();
  const s = await new AwsScenario(o.name, o.localstackEndpoint, o.kubeconfigPath).setUp();
  const leases = s.kubeConfig.makeApiClient(CoordinationV1Api);
  const log = new CallLog();
  const processes = new Map<string, ControllerProcess>();
  const recorders: CallRecorder[] = [];
  const violations: string[] = [];
  const cycles: CycleResult[] = [];
  const frozen = new Set<string>();
  let spawned = 0;

  const spawnReplica = async (): Promise<ControllerProcess> => {
    const identity = `${o.name}-r${++spawned}`;
    const recorder = await startCallRecorder(identity, o.localstackEndpoint, log);
    recorders.push(recorder);
    const p = new ControllerProcess(
      identity,
      s.options({
        awsEndpoint: recorder.url,
        leaderElectIdentity: identity,
        leaderElectLeaseDuration: o.timings.leaseDuration,
        leaderElectRenewDeadline: o.timings.renewDeadline,
        leaderElectRetryPeriod: o.timings.retryPeriod,
        logLevel: "info",
      }),
      o.logDir,
    );
    processes.set(identity, p);
    return p;
  };
  const live = () => [...processes.values()].filter((p) => p.isAlive);
  const holder = async () =>
    (
      await leases
        .readNamespacedLease({ name: "vpc-route-sync", namespace: s.namespace })
        .catch(() => undefined)
    )?.spec?.holderIdentity;
  const serveFrom = (node: number) =>
    s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(node).name, address: `10.244.${node}.5` },
    ]);
  const converged = (node: number, timeoutMs: number) =>
    waitFor(
      `every table routes ${cidr} to node ${node} with its ownership tag`,
      async () =>
        (
          await awsProblems(s.ec2, s.vpc.routeTableIds, s.name, [
            { cidr, target: s.node(node).eniId, service: `${s.namespace}/openvpn` },
          ])
        ).length === 0,
      timeoutMs,
      100,
    );

  try {
    await s.objects.createService(s.namespace, "openvpn", { "vpc-route-sync.io/cidrs": cidr });
    let node = 0;
    await serveFrom(node);
    for (let i = 0; i < (o.replicas ?? 3); i++) await spawnReplica();
    await converged(node, 60_000);
    const takeoverTimeoutMs = 2 * o.timings.leaseDurationMs + 30_000;

    for (const [index, kind] of o.cycles.entries()) {
      const leader = await waitFor(
        "a live replica holds the lease",
        async () => {
          const id = await holder();
          return live().find((p) => p.identity === id && p.has("lease acquired"));
        },
        takeoverTimeoutMs,
      );
      // A replacement may still be starting, as a restarted Pod would be; one ready standby is enough.
      await waitFor(
        "a standby has synced its caches",
        () => live().some((p) => p !== leader && p.has("caches synced")),
        60_000,
      );
      if (kind === "SIGSTOP") frozen.add(leader.identity);
      const signalledAt = leader.signal(kind);
      if (kind !== "SIGSTOP") {
        await waitFor("the old leader exited", () => !leader.isAlive, 30_000);
        await spawnReplica();
      }
      node = (node + 1) % 3;
      await serveFrom(node);
      const first = await waitFor(
        `another replica writes after ${kind} of ${leader.identity}`,
        () => log.writes().find((w) => w.at >= signalledAt && w.writer !== leader.identity),
        takeoverTimeoutMs,
      );
      await converged(node, 30_000);
      const convergedMs = Date.now() - signalledAt;
      let staleExitMs: number | undefined;
      if (kind === "SIGSTOP") {
        const resumedAt = leader.signal("SIGCONT");
        const exitedIn = o.timings.renewDeadlineMs + 20_000;
        await waitFor("the resumed stale leader exits", () => !leader.isAlive, exitedIn).catch(
          () => {
            violations.push(`${leader.identity} did not exit within ${exitedIn} ms of SIGCONT`);
            leader.signal("SIGKILL");
          },
        );
        await leader.exited;
        staleExitMs = (leader.exitedAt ?? Date.now()) - resumedAt;
        await spawnReplica();
      }
      const exit = await leader.exited;
      const oldLeaderEnd = exit.signal ?? `exit ${exit.code}`;
      const expectedEnd = { SIGKILL: "SIGKILL", SIGTERM: "exit 0", SIGSTOP: "exit 1" }[kind];
      if (oldLeaderEnd !== expectedEnd)
        violations.push(`${leader.identity} ended with ${oldLeaderEnd} after ${kind}`);
      const newHolder = await holder();
      if (newHolder !== first.writer)
        violations.push(`cycle ${index}: ${first.writer} wrote but the Lease names ${newHolder}`);
      // Move again within the new term, so every term has writes of its own.
      node = (node + 1) % 3;
      await serveFrom(node);
      await converged(node, 30_000);
      const result: CycleResult = {
        index,
        kind,
        from: leader.identity,
        to: first.writer,
        takeoverMs: first.at - signalledAt,
        convergedMs,
        oldLeaderEnd,
        ...(staleExitMs === undefined ? {} : { staleExitMs }),
      };
      cycles.push(result);
      o.progress?.(
        `cycle ${index + 1}/${o.cycles.length} ${kind} ${result.from} -> ${result.to}: takeover ${result.takeoverMs} ms, converged ${convergedMs} ms`,
      );
    }
  } finally {
    for (const p of live()) p.signal("SIGKILL");
    await Promise.all([...processes.values()].map((p) => p.exited));
    await Promise.all(recorders.map((r) => r.close()));
  }
  violations.push(...writeViolations(log, processes));
  const takeover: Partial<Record<CycleKind, Distribution>> = {};
  for (const kind of ["SIGKILL", "SIGTERM", "SIGSTOP"] as const) {
    const samples = cycles.filter((c) => c.kind === kind).map((c) => c.takeoverMs);
    if (samples.length > 0) takeover[kind] = distribution(samples);
  }
  const unprovokedLosses = [...processes.values()].flatMap((p) =>
    p.events
      .filter((e) => e.msg === "leadership lost" && !frozen.has(p.identity))
      .map((e) => `${p.identity} at ${new Date(e.at).toISOString()}`),
  );
  return {
    timings: o.timings,
    cycles,
    takeover,
    writes: log.writes().length,
    processes: processes.size,
    violations,
    unprovokedLosses,
    durationMs: Date.now() - started,
    logDir: o.logDir,
  };
}

/**
 * The one-writer rule, from the recorded writes: writers form contiguous blocks (once B has
 * written, A never writes again), and every write falls inside a term its writer logged.
 */
export function writeViolations(
  log: CallLog,
  processes: ReadonlyMap<string, ControllerProcess>,
): string[] {
  const violations: string[] = [];
  const retired = new Set<string>();
  let current: string | undefined;
  for (const w of log.writes()) {
    const when = new Date(w.at).toISOString();
    if (w.writer !== current) {
      if (current !== undefined) retired.add(current);
      if (retired.has(w.writer))
        violations.push(`${w.writer} wrote ${w.action} at ${when} after another replica had`);
      current = w.writer;
    }
    const terms = processes.get(w.writer)?.terms() ?? [];
    if (!terms.some((t) => t.start <= w.at && w.at <= (t.end ?? Number.POSITIVE_INFINITY)))
      violations.push(`${w.writer} wrote ${w.action} at ${when} outside its logged terms`);
  }
  return violations;
}

/** `counts` of each kind, spread evenly (`{SIGKILL: 4, SIGTERM: 2}` -> K K T K K T). */
export function cyclePlan(counts: Partial<Record<CycleKind, number>>): CycleKind[] {
  const slots = Object.entries(counts).flatMap(([kind, count]) =>
    Array.from({ length: count ?? 0 }, (_, i) => ({
      kind: kind as CycleKind,
      position: (i + 1) / ((count ?? 0) + 1),
    })),
  );
  return slots.sort((a, b) => a.position - b.position).map((slot) => slot.kind);
}
