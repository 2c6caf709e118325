import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Clock } from "../clock.js";
import { ConflictError, LeadershipLostError, TransientError } from "../errors.js";
import { createLogger, silentLogger } from "../observability/logger.js";
import {
  DEFAULT_LEADER_ELECTION_TIMINGS,
  type LeaderElectionOptions,
  LeaderElector,
  type LeadershipEnd,
} from "./leader-election.js";
import type { LeaseRecord, LeaseStore } from "./lease-store.js";

/** Monotonic time moves only when the test says; the wall clock can be made to jump on its own. */
class FakeClock implements Clock {
  #nowMs = 0;
  #wallOffsetMs = Date.parse("2030-01-01T00:00:00Z");
  #timers: { atMs: number; resolve: () => void }[] = [];

  monotonicMs(): number {
    return this.#nowMs;
  }

  wallNow(): Date {
    return new Date(this.#wallOffsetMs + this.#nowMs);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { atMs: this.#nowMs + ms, resolve };
      this.#timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.#timers = this.#timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, firing due timers in order and letting promise chains run after each. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + ms;
    await settle();
    for (;;) {
      const due = this.#timers.filter((t) => t.atMs <= targetMs).sort((a, b) => a.atMs - b.atMs)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#nowMs = Math.max(this.#nowMs, due.atMs);
      due.resolve();
      await settle();
    }
    this.#nowMs = targetMs;
    await settle();
  }

  /** Moves time without firing timers, like an event loop stalled by a long GC pause. */
  stall(ms: number): void {
    this.#nowMs += ms;
  }

  /** Makes the wall clock jump (NTP step, VM resume) while monotonic time stands still. */
  jumpWall(ms: number): void {
    this.#wallOffsetMs += ms;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** One Lease in memory with resourceVersion checks, shared by electors as the API server would be. */
class MemoryLeaseStore implements LeaseStore {
  record: LeaseRecord | undefined;
  /** Fake-clock time each call takes, to tell the start of a request from its end. */
  latencyMs = 0;
  readonly #clock: FakeClock;
  #version = 0;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  async get(): Promise<LeaseRecord | undefined> {
    await this.#latency();
    return this.record === undefined ? undefined : { ...this.record };
  }

  async create(record: Omit<LeaseRecord, "resourceVersion">): Promise<LeaseRecord> {
    await this.#latency();
    if (this.record !== undefined) throw new ConflictError("lease already exists");
    return this.put(record);
  }

  async update(record: LeaseRecord): Promise<LeaseRecord> {
    await this.#latency();
    if (this.record?.resourceVersion !== record.resourceVersion) {
      throw new ConflictError(
        "the lease was modified; please apply your changes to the latest version",
      );
    }
    return this.put(record);
  }

  /** Writes unconditionally, as another process (or the API server) would. */
  put(record: Omit<LeaseRecord, "resourceVersion">): LeaseRecord {
    this.#version += 1;
    this.record = { ...record, resourceVersion: String(this.#version) };
    return { ...this.record };
  }

  async #latency(): Promise<void> {
    if (this.latencyMs > 0) await this.#clock.sleep(this.latencyMs);
  }
}

const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = DEFAULT_LEADER_ELECTION_TIMINGS;

/** A JSON logger whose lines land in `lines`, for tests that check what an operator would see. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: "debug", destination }), lines };
}
const aborts: AbortController[] = [];

function setup(identity = "a", overrides: Partial<LeaderElectionOptions> = {}) {
  const clock = (overrides.clock as FakeClock | undefined) ?? new FakeClock();
  const store = (overrides.store as MemoryLeaseStore | undefined) ?? new MemoryLeaseStore(clock);
  const elector = new LeaderElector({
    identity,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    store,
    clock,
    logger: silentLogger(),
    jitter: () => 0,
    ...overrides,
  });
  const abort = new AbortController();
  aborts.push(abort);
  const hooks = { started: 0, stopped: 0, leaders: [] as string[] };
  let end: LeadershipEnd | undefined;
  const ended = elector
    .run(abort.signal, {
      onStartedLeading: () => {
        hooks.started += 1;
      },
      onStoppedLeading: () => {
        hooks.stopped += 1;
      },
      onNewLeader: (id) => hooks.leaders.push(id),
    })
    .then((result) => {
      end = result;
      return result;
    });
  return { clock, store, elector, abort, hooks, ended, end: () => end };
}

function foreignHolder(store: MemoryLeaseStore, clock: FakeClock, holder = "other"): void {
  store.put({
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: clock.wallNow(),
    renewTime: clock.wallNow(),
    leaseTransitions: 3,
  });
}

afterEach(() => {
  for (const abort of aborts.splice(0)) abort.abort();
  vi.restoreAllMocks();
});

describe("LeaderElector campaign", () => {
  it("acquires a lease that does not exist yet and reports itself as the new leader", async () => {
    const { clock, store, elector, hooks } = setup("a");
    await clock.advance(0);
    expect(elector.isLeader()).toBe(true);
    expect(() => elector.assertLeader()).not.toThrow();
    expect(elector.currentLeader()).toBe("a");
    expect(store.record).toMatchObject({
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
      acquireTime: clock.wallNow(),
      renewTime: clock.wallNow(),
    });
    expect(hooks).toMatchObject({ started: 1, stopped: 0, leaders: ["a"] });
  });

  it("lets exactly one of two candidates win the race to create the lease", async () => {
    const first = setup("a");
    const second = setup("b", { clock: first.clock, store: first.store });
    await first.clock.advance(0);
    expect([first.elector.isLeader(), second.elector.isLeader()]).toEqual([true, false]);
    await first.clock.advance(60_000);
    expect([first.elector.isLeader(), second.elector.isLeader()]).toEqual([true, false]);
    expect(second.elector.currentLeader()).toBe("a");
    expect(second.hooks.leaders).toEqual(["a"]);
  });

  it("does not take a held lease before it has stayed unchanged for the lease duration", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    foreignHolder(store, clock);
    clock.jumpWall(-3_600_000); // the Lease's renewTime now lies an hour in "our" future
    const { elector, hooks } = setup("b", { clock, store });
    await clock.advance(leaseDurationMs);
    expect(elector.isLeader()).toBe(false);
    expect(elector.currentLeader()).toBe("other");
    expect(hooks.leaders).toEqual(["other"]);
    expect(store.record?.holderIdentity).toBe("other");
  });

  it("takes a held lease right when it has stayed unchanged for the lease duration, not a retry later", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    foreignHolder(store, clock);
    const get = vi.spyOn(store, "get");
    const { elector, hooks } = setup("b", { clock, store });
    await clock.advance(15_000); // tries at 0, 2, ..., 14 s; none is past 0 + 15 s
    expect(get).toHaveBeenCalledTimes(8);
    expect(elector.isLeader()).toBe(false);
    await clock.advance(1); // the 14 s try slept only until the expiry: 15.001 s is past it
    expect(elector.isLeader()).toBe(true);
    expect(store.record).toMatchObject({
      holderIdentity: "b",
      leaseTransitions: 4,
      acquireTime: clock.wallNow(),
    });
    expect(hooks.leaders).toEqual(["other", "b"]);
  });

  it("never considers a holder expired while its renewTime keeps changing", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    foreignHolder(store, clock);
    const { elector } = setup("b", { clock, store });
    for (let second = 1; second <= 120; second += 1) {
      await clock.advance(1_000);
      if (second % 5 === 0 && store.record) {
        store.put({ ...store.record, renewTime: clock.wallNow() });
      }
      expect(elector.isLeader()).toBe(false);
    }
    expect(store.record?.holderIdentity).toBe("other");
  });

  it("judges expiry on the monotonic clock only, whatever the wall clock does", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    foreignHolder(store, clock);
    const { elector } = setup("b", { clock, store });
    await clock.advance(3_000);
    clock.jumpWall(86_400_000); // a day forward: the Lease looks long expired
    await clock.advance(3_000);
    expect(elector.isLeader()).toBe(false);
    clock.jumpWall(-2 * 86_400_000); // a day back from the start: the Lease looks fresh
    await clock.advance(9_000);
    expect(elector.isLeader()).toBe(false);
    await clock.advance(1);
    expect(elector.isLeader()).toBe(true);
  });

  it("spreads campaign retries by retryPeriod × 1.2 × jitter, but never past the expiry", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    foreignHolder(store, clock);
    const get = vi.spyOn(store, "get");
    const { elector } = setup("b", { clock, store, jitter: () => 1 });
    await clock.advance(15_000); // tries at 0, 4.4, 8.8, 13.2 s
    expect(get).toHaveBeenCalledTimes(4);
    expect(elector.isLeader()).toBe(false);
    await clock.advance(1); // the next try waits for the expiry (15.001 s), not 17.6 s
    expect(get).toHaveBeenCalledTimes(5);
    expect(elector.isLeader()).toBe(true);
  });

  it("counts a conflict on update as losing the round and tries again", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    store.put({ ...emptyLease(), holderIdentity: "" });
    vi.spyOn(store, "update").mockRejectedValueOnce(new ConflictError("modified"));
    const { elector } = setup("b", { clock, store });
    await clock.advance(0);
    expect(elector.isLeader()).toBe(false);
    await clock.advance(retryPeriodMs);
    expect(elector.isLeader()).toBe(true);
  });

  it("resolves released without writing when aborted while campaigning", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    foreignHolder(store, clock);
    const { abort, ended, hooks } = setup("b", { clock, store });
    await clock.advance(5_000);
    const update = vi.spyOn(store, "update");
    abort.abort();
    await expect(ended).resolves.toBe("released");
    expect(update).not.toHaveBeenCalled();
    expect(hooks).toMatchObject({ started: 0, stopped: 0 });
  });
});

function emptyLease(): Omit<LeaseRecord, "resourceVersion"> {
  return {
    holderIdentity: undefined,
    leaseDurationSeconds: 15,
    acquireTime: undefined,
    renewTime: undefined,
    leaseTransitions: 0,
  };
}

describe("LeaderElector while leading", () => {
  it("renews every retry period and keeps acquireTime and the transition count", async () => {
    const { clock, store, elector } = setup("a");
    await clock.advance(0);
    const acquired = store.record;
    await clock.advance(61_000);
    expect(elector.isLeader()).toBe(true);
    expect(store.record).toMatchObject({
      holderIdentity: "a",
      acquireTime: acquired?.acquireTime,
      leaseTransitions: 0,
      renewTime: new Date((acquired?.renewTime?.getTime() ?? 0) + 60_000),
    });
  });

  it("stops being leader exactly at the renew deadline even if no loop tick ran", async () => {
    const { clock, elector } = setup("a");
    await clock.advance(1_000); // acquired at 0 s, next renewal due at 2 s
    clock.stall(renewDeadlineMs - 1_001);
    expect(elector.isLeader()).toBe(true);
    clock.stall(1);
    expect(elector.isLeader()).toBe(false);
    expect(() => elector.assertLeader()).toThrow(LeadershipLostError);
  });

  it("measures the deadline from the start of the last successful renewal, not its end", async () => {
    const { clock, store, elector, ended } = setup("a");
    await clock.advance(0);
    store.latencyMs = 500; // the renewal started at 2 s ends at 3 s (get + update)
    await clock.advance(3_000);
    vi.spyOn(store, "get").mockRejectedValue(new TransientError("connection refused"));
    await clock.advance(8_999); // 11.999 s
    expect(elector.isLeader()).toBe(true);
    await clock.advance(1); // 12 s = 2 s + renew deadline
    expect(elector.isLeader()).toBe(false);
    await expect(ended).resolves.toBe("lost");
  });

  it("renews before the deadline when a slow acquisition left less than a retry period of it", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeaseStore(clock);
    store.latencyMs = 4_500; // get + create take 9 s of the 10 s renew deadline
    const { elector, end } = setup("a", { clock, store });
    await clock.advance(9_000);
    expect(elector.isLeader()).toBe(true);
    store.latencyMs = 0;
    await clock.advance(3_000);
    expect(end()).toBeUndefined();
    expect(elector.isLeader()).toBe(true);
  });

  it("resolves lost at the renew deadline when the store keeps failing", async () => {
    const { logger, lines } = capturingLogger();
    const { clock, store, elector, hooks, end } = setup("a", { logger });
    await clock.advance(0);
    vi.spyOn(store, "get").mockRejectedValue(new TransientError("503 Service Unavailable"));
    await clock.advance(renewDeadlineMs - 1);
    expect(end()).toBeUndefined();
    expect(elector.isLeader()).toBe(true);
    await clock.advance(1);
    expect(end()).toBe("lost");
    expect(elector.isLeader()).toBe(false);
    expect(hooks).toMatchObject({ started: 1, stopped: 1 });
    const messages = lines.map((line) => line.msg);
    expect(messages.filter((msg) => msg === "lease renew failed")).toHaveLength(4); // 2, 4, 6, 8 s
    expect(messages.at(-1)).toBe("leadership lost");
  });

  it("resolves lost at the renew deadline when a renewal hangs, and a late answer changes nothing", async () => {
    const { clock, store, elector, end } = setup("a");
    await clock.advance(0);
    let answer: (record: LeaseRecord | undefined) => void = () => undefined;
    vi.spyOn(store, "get").mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    await clock.advance(renewDeadlineMs);
    expect(end()).toBe("lost");
    vi.restoreAllMocks();
    answer(store.record);
    await clock.advance(0);
    expect(elector.isLeader()).toBe(false);
  });

  it("keeps leading through a conflicting renewal when the next one succeeds", async () => {
    const { clock, store, elector, end } = setup("a");
    await clock.advance(0);
    vi.spyOn(store, "update").mockRejectedValueOnce(new ConflictError("modified"));
    await clock.advance(2 * retryPeriodMs);
    expect(elector.isLeader()).toBe(true);
    expect(end()).toBeUndefined();
  });

  it("stops at once when it sees another holder in the lease", async () => {
    const { clock, store, elector, hooks, end } = setup("a");
    await clock.advance(0);
    foreignHolder(store, clock, "intruder");
    await clock.advance(retryPeriodMs);
    expect(elector.isLeader()).toBe(false);
    expect(end()).toBe("lost");
    expect(hooks.leaders).toEqual(["a", "intruder"]);
  });

  it("releases on abort so a standby acquires the lease at its next try", async () => {
    const leader = setup("a");
    const { clock, store } = leader;
    const standby = setup("b", { clock, store });
    await clock.advance(5_000); // standby tries at 0, 2, 4 s; next at 6 s
    leader.abort.abort();
    await expect(leader.ended).resolves.toBe("released");
    expect(leader.elector.isLeader()).toBe(false);
    expect(leader.hooks).toMatchObject({ started: 1, stopped: 1 });
    expect(store.record).toMatchObject({ holderIdentity: "", leaseDurationSeconds: 1 });
    await clock.advance(999);
    expect(standby.elector.isLeader()).toBe(false);
    await clock.advance(1);
    expect(standby.elector.isLeader()).toBe(true);
    expect(store.record).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
  });

  it("logs a failed release instead of throwing it", async () => {
    const { logger, lines } = capturingLogger();
    const { clock, store, abort, ended } = setup("a", { logger });
    await clock.advance(0);
    vi.spyOn(store, "update").mockRejectedValue(new TransientError("connection reset"));
    abort.abort();
    await expect(ended).resolves.toBe("released");
    expect(store.record?.holderIdentity).toBe("a");
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: "lease release failed",
        identity: "a",
        err: expect.objectContaining({ message: "connection reset" }),
      }),
    );
  });

  it("survives hooks that throw", async () => {
    const clock = new FakeClock();
    const elector = new LeaderElector({
      identity: "a",
      leaseDurationMs,
      renewDeadlineMs,
      retryPeriodMs,
      store: new MemoryLeaseStore(clock),
      clock,
      logger: silentLogger(),
    });
    const abort = new AbortController();
    aborts.push(abort);
    const boom = () => {
      throw new Error("hook bug");
    };
    const ended = elector.run(abort.signal, { onStartedLeading: boom, onNewLeader: boom });
    await clock.advance(retryPeriodMs * 3);
    expect(elector.isLeader()).toBe(true);
    abort.abort();
    await expect(ended).resolves.toBe("released");
  });
});
