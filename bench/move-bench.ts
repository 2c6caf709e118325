import { setImmediate, setTimeout as sleep } from "node:timers/promises";
import { addCounts, type CallCounts, diffCounts } from "./bench-controller.js";
import { say } from "./support.js";

/** What the move benchmark drives, per provider: the Kubernetes side, the cloud side, the floor. */
export interface MoveWorld {
  /** Points the VPN Service's only endpoint at node `node` (0..2); resolves when the update returned. */
  moveEndpoint(node: number, move: number): Promise<void>;
  /** One cloud read: true when every managed (table, CIDR) routes to `node`, and only there. */
  isConverged(node: number): Promise<boolean>;
  /**
   * The read any safe controller makes before it writes: the floor tables' current routes and
   * ownership, in as few calls as the cloud allows (the controller's pass makes the same read; a
   * write decided on a cached view could replace a route that is no longer ours).
   */
  floorRead(): Promise<void>;
  /** The raw SDK writes a perfect controller needs to move the floor's own routes to `node`. */
  floorMove(from: number, to: number, move: number): Promise<void>;
  /** One cloud read of the floor's routes. */
  isFloorConverged(node: number): Promise<boolean>;
  /** The controller's cloud calls so far, by operation. */
  calls(): Promise<CallCounts>;
}

/** How to run one series of moves. */
export interface MoveRun {
  readonly label: string;
  readonly moves: number;
  /** Minimum time between two move starts (0: back to back). */
  readonly paceMs: number;
  /** Pause between two confirmation reads (0: tight loop). */
  readonly pollGapMs: number;
  readonly timeoutMs: number;
  /** Node currently hosting the endpoint (and targeted by every route) before the first move. */
  readonly fromNode: number;
}

/** Raw samples of one series, in milliseconds. */
export interface MoveSamples {
  /** EndpointSlice update returned -> every (table, CIDR) confirmed in the cloud. */
  readonly controllerMs: number[];
  /** Floor read sent -> last floor write answered: the read plus the writes. */
  readonly floorCallsMs: number[];
  /** Floor read sent -> confirmed by the same reads that time the controller. */
  readonly floorConfirmedMs: number[];
  /** Floor read sent -> answered. */
  readonly floorReadMs: number[];
  /** First floor write sent -> last answered (the floor without its read). */
  readonly floorWritesMs: number[];
  /** First floor write sent -> confirmed. */
  readonly floorWritesConfirmedMs: number[];
  /** Confirmation reads per controller move, and the duration of every read. */
  readonly pollsPerMove: number[];
  readonly pollMs: number[];
  /** When each EndpointSlice update was sent and when it returned (`performance.now()`). */
  readonly movedAt: number[];
  readonly returnedAt: number[];
  /** Controller cloud calls over the series (each window: before the move -> after its floor). */
  readonly calls: CallCounts;
  readonly endNode: number;
}

/** Pause between a controller move's confirmation and its floor move. */
const quietMs = 250;

async function pollUntil(
  check: () => Promise<boolean>,
  run: MoveRun,
  what: string,
  readMs: number[],
): Promise<{ ms: number; polls: number }> {
  const started = performance.now();
  for (let polls = 1; ; polls++) {
    const t = performance.now();
    const ok = await check();
    readMs.push(performance.now() - t);
    if (ok) return { ms: performance.now() - started, polls };
    if (performance.now() - started > run.timeoutMs)
      throw new Error(`${run.label}: ${what} not confirmed within ${run.timeoutMs} ms`);
    // A read that settles without I/O (an in-process fake) must still yield to the event loop.
    await (run.pollGapMs > 0 ? sleep(run.pollGapMs) : setImmediate());
  }
}

/**
 * Moves the endpoint round the three nodes `run.moves` times. Each move: update the
 * EndpointSlice, poll the cloud until every route points at the new node; after a quiet pause,
 * move the floor's own routes with the raw calls (read, then write), polled the same way (so both
 * pay the same observer cost); then wait out the pace.
 */
export async function runMoves(world: MoveWorld, run: MoveRun): Promise<MoveSamples> {
  const s: MoveSamples = {
    controllerMs: [],
    floorCallsMs: [],
    floorConfirmedMs: [],
    floorReadMs: [],
    floorWritesMs: [],
    floorWritesConfirmedMs: [],
    pollsPerMove: [],
    pollMs: [],
    movedAt: [],
    returnedAt: [],
    calls: {},
    endNode: run.fromNode,
  };
  let calls: CallCounts = {};
  let node = run.fromNode;
  for (let move = 1; move <= run.moves; move++) {
    const to = (node + 1) % 3;
    const started = performance.now();
    const before = await world.calls();
    s.movedAt.push(performance.now());
    await world.moveEndpoint(to, move);
    s.returnedAt.push(performance.now());
    const ctl = await pollUntil(() => world.isConverged(to), run, `move ${move}`, s.pollMs);
    s.controllerMs.push(ctl.ms);
    s.pollsPerMove.push(ctl.polls);
    // Let the controller's tail (events, status, the pass its own status update triggers) pass
    // first, so that the floor never shares the cloud with it and is not slowed by it.
    await sleep(quietMs);
    const f0 = performance.now();
    let floorRead = 0;
    let floorCalls = 0;
    const [floor] = await Promise.all([
      pollUntil(() => world.isFloorConverged(to), run, `floor ${move}`, []),
      (async () => {
        await world.floorRead();
        floorRead = performance.now() - f0;
        await world.floorMove(node, to, move);
        floorCalls = performance.now() - f0;
      })(),
    ]);
    s.floorCallsMs.push(floorCalls);
    s.floorConfirmedMs.push(floor.ms);
    s.floorReadMs.push(floorRead);
    s.floorWritesMs.push(floorCalls - floorRead);
    s.floorWritesConfirmedMs.push(floor.ms - floorRead);
    calls = addCounts(calls, diffCounts(await world.calls(), before));
    node = to;
    if (move % 10 === 0 || move === run.moves || run.moves <= 5) {
      say(
        `  [${run.label}] move ${move}/${run.moves}: controller ${ctl.ms.toFixed(0)} ms, floor ${floorCalls.toFixed(0)} ms`,
      );
    }
    const wait = run.paceMs - (performance.now() - started);
    if (wait > 0 && move < run.moves) await sleep(wait);
  }
  return { ...s, calls, endNode: node };
}
