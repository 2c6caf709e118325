import { randomBytes } from "node:crypto";
import { CoordinationV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { TransientError } from "../../src/errors.js";
import { LeaderElector, type LeadershipEnd } from "../../src/kube/leader-election.js";
import { kubeLeaseStore, type LeaseStore } from "../../src/kube/lease-store.js";
import { silentLogger } from "../../src/observability/logger.js";

const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
const leaseName = "vpc-route-sync";
const now = () => performance.now(); // the clock systemClock.monotonicMs() reads

interface Candidate {
  readonly identity: string;
  readonly elector: LeaderElector;
  readonly abort: AbortController;
  readonly ended: Promise<LeadershipEnd>;
}

interface Interval {
  start: number;
  end: number;
}

/** Samples every candidate's isLeader() every 50 ms and keeps the intervals in which it was true. */
class LeadershipSampler {
  readonly intervals = new Map<string, Interval[]>();
  readonly #wasLeader = new Map<string, boolean>();
  readonly #timer: NodeJS.Timeout;

  constructor(candidates: readonly Candidate[]) {
    this.#timer = setInterval(() => {
      const at = now();
      for (const { identity, elector } of candidates) {
        const list = this.intervals.get(identity) ?? [];
        this.intervals.set(identity, list);
        const isLeader = elector.isLeader();
        const last = list.at(-1);
        if (isLeader && this.#wasLeader.get(identity) && last) last.end = at;
        else if (isLeader) list.push({ start: at, end: at });
        this.#wasLeader.set(identity, isLeader);
      }
    }, 50);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Pairs of intervals in which two different candidates both reported leading. */
  overlaps(): string[] {
    const found: string[] = [];
    const entries = [...this.intervals.entries()];
    for (const [i, [a, as]] of entries.entries()) {
      for (const [b, bs] of entries.slice(i + 1)) {
        for (const x of as) {
          for (const y of bs) {
            if (x.start <= y.end && y.start <= x.end) found.push(`${a} ${fmt(x)} / ${b} ${fmt(y)}`);
          }
        }
      }
    }
    return found;
  }

  lastLeading(identity: string): number | undefined {
    return this.intervals.get(identity)?.at(-1)?.end;
  }
}

const fmt = (i: Interval) => `[${i.start.toFixed(0)}, ${i.end.toFixed(0)}]`;

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = now();
  while (!condition()) {
    if (now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return now();
}

describe("leader election against a real kube-apiserver", () => {
  const kc = new KubeConfig();
  const running: Candidate[] = [];
  const samplers: LeadershipSampler[] = [];
  let core: CoreV1Api;
  let coordination: CoordinationV1Api;

  beforeAll(() => {
    kc.loadFromFile(inject("kubeconfigPath"));
    core = kc.makeApiClient(CoreV1Api);
    coordination = kc.makeApiClient(CoordinationV1Api);
  });

  afterEach(async () => {
    for (const sampler of samplers.splice(0)) sampler.stop();
    for (const candidate of running) candidate.abort.abort();
    await Promise.all(running.splice(0).map((c) => c.ended));
  });

  async function freshNamespace(): Promise<string> {
    const namespace = `le-${randomBytes(4).toString("hex")}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    return namespace;
  }

  function candidate(identity: string, store: LeaseStore): Candidate {
    const elector = new LeaderElector({
      identity,
      ...timings,
      store,
      clock: systemClock,
      logger: silentLogger(),
    });
    const abort = new AbortController();
    const started = { identity, elector, abort, ended: elector.run(abort.signal) };
    running.push(started);
    return started;
  }

  function storeFor(namespace: string): LeaseStore {
    return kubeLeaseStore(kc, namespace, leaseName, { requestTimeoutMs: 1_000 });
  }

  function sample(candidates: readonly Candidate[]): LeadershipSampler {
    const sampler = new LeadershipSampler(candidates);
    samplers.push(sampler);
    return sampler;
  }

  it("elects exactly one of two candidates and hands over within two retry periods on release", async () => {
    const namespace = await freshNamespace();
    const a = candidate("pod-a", storeFor(namespace));
    const b = candidate("pod-b", storeFor(namespace));
    const sampler = sample([a, b]);
    const leaders = () => [a, b].filter((c) => c.elector.isLeader());
    await waitFor("a leader", () => leaders().length > 0, 5_000);
    const [leader, standby] = a.elector.isLeader() ? [a, b] : [b, a];
    for (let i = 0; i < 30; i += 1) {
      expect(leaders()).toEqual([leader]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const held = await coordination.readNamespacedLease({ namespace, name: leaseName });
    expect(held.spec).toMatchObject({ holderIdentity: leader.identity, leaseDurationSeconds: 3 });
    expect(standby.elector.currentLeader()).toBe(leader.identity);

    const abortedAt = now();
    leader.abort.abort();
    await expect(leader.ended).resolves.toBe("released");
    const tookOverAt = await waitFor("standby leads", () => standby.elector.isLeader(), 5_000);
    // Next jittered try: at most retryPeriod × (1 + 1.2), plus request time on loopback.
    expect(tookOverAt - abortedAt).toBeLessThan(2.2 * timings.retryPeriodMs + 400);
    const taken = await coordination.readNamespacedLease({ namespace, name: leaseName });
    expect(taken.spec).toMatchObject({
      holderIdentity: standby.identity,
      leaseDurationSeconds: 3,
      leaseTransitions: 1,
    });
    sampler.stop();
    expect(sampler.overlaps()).toEqual([]);
  });

  it("stops a leader that cannot renew at its deadline; the standby waits out the lease duration", async () => {
    const namespace = await freshNamespace();
    const real = storeFor(namespace);
    let broken = false;
    let attemptStart = 0;
    let lastGoodStart = 0;
    /** The real store until `broken`; remembers when the last successful write's attempt began. */
    const failing: LeaseStore = {
      get: async () => {
        attemptStart = now();
        if (broken) throw new TransientError("API server unreachable (simulated)");
        return await real.get();
      },
      create: async (record) => {
        const started = attemptStart;
        const written = await real.create(record);
        lastGoodStart = started;
        return written;
      },
      update: async (record) => {
        const started = attemptStart;
        if (broken) throw new TransientError("API server unreachable (simulated)");
        const written = await real.update(record);
        lastGoodStart = started;
        return written;
      },
    };
    const leader = candidate("pod-a", failing);
    await waitFor("pod-a leads", () => leader.elector.isLeader(), 5_000);
    const standby = candidate("pod-b", storeFor(namespace));
    const sampler = sample([leader, standby]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(standby.elector.isLeader()).toBe(false);

    broken = true;
    await expect(leader.ended).resolves.toBe("lost");
    const lostAt = now();
    const tookOverAt = await waitFor("standby leads", () => standby.elector.isLeader(), 10_000);
    sampler.stop();

    expect(leader.elector.isLeader()).toBe(false);
    const lastLeading = sampler.lastLeading(leader.identity) ?? Number.POSITIVE_INFINITY;
    expect(lastLeading).toBeLessThan(lastGoodStart + timings.renewDeadlineMs);
    expect(lostAt).toBeLessThan(lastGoodStart + timings.renewDeadlineMs + 300);
    expect(tookOverAt).toBeGreaterThan(lastGoodStart + timings.leaseDurationMs);
    // The standby sees the last renewal at its next try, and takes over at the first try past the
    // lease duration after that: two jittered retry periods at most, plus request time.
    expect(tookOverAt).toBeLessThan(
      lastGoodStart + timings.leaseDurationMs + 2 * 2.2 * timings.retryPeriodMs + 500,
    );
    expect(sampler.overlaps()).toEqual([]);
  });
});
