/**
 * One full garbage collection after a large list. A list of thousands of objects (a cluster-wide
 * start-up, a relist) arrives in a burst: its answer chunks and parsed objects outlive young
 * collections, so V8 promotes them, and their memory (the chunks' native buffers included) comes
 * back only at the next full collection, which a quiet controller may not run for hours (bench
 * memory-scale: a `*` controller stayed at 145 MB after a cold start on 20,000 Services, 117 MB
 * when the same objects came one by one). So after such a list, once the burst is over, the
 * controller asks for one: `gc` exists when Node.js runs with `--expose-gc`, as the image's
 * ENTRYPOINT starts it; without it this does nothing. ADR 0001.
 *
 * The collection is V8's "last resort" one (the flavor V8 runs before it gives up on an
 * allocation): it collects until nothing more is freed, compacts, and gives the freed heap pages
 * back to the system. A regular full collection frees the same objects but keeps the pages the
 * burst grew the heap by: a `*` controller cold-started on 20,000 Services kept 158-166 MB after
 * a regular one and 143 MB after this one, against 142 MB when started on an empty cluster.
 */

/** The options of the one collection: major, synchronous, V8's last-resort flavor. */
export const fullCollection = { type: "major", execution: "sync", flavor: "last-resort" } as const;

/** Lists smaller than this leave too little behind to be worth a full collection. */
export const largeListObjects = 1_000;
/** Lists of one burst (the informers start together) get one collection, this long after the last. */
export const settleMs = 1_000;
/** At most one collection per this interval, whatever lists keep arriving. */
export const minIntervalMs = 60_000;

/** What the collection needs; the defaults are the process's own. */
export interface CollectionDeps {
  readonly gc: ((options: typeof fullCollection) => void) | undefined;
  readonly now: () => number;
}

const processDeps: CollectionDeps = {
  gc: globalThis.gc,
  now: () => performance.now(),
};

/** Schedules full collections after large lists (see the module comment). */
export class ListCollection {
  private readonly deps: CollectionDeps;
  private timer: NodeJS.Timeout | undefined;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(deps: CollectionDeps = processDeps) {
    this.deps = deps;
  }

  /** A list of `objects` objects completed (or failed after reading them). */
  listed(objects: number): void {
    const { gc } = this.deps;
    if (gc === undefined || objects < largeListObjects) return;
    clearTimeout(this.timer);
    const wait = Math.max(settleMs, this.lastAt + minIntervalMs - this.deps.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastAt = this.deps.now();
      gc(fullCollection);
    }, wait);
    this.timer.unref();
  }
}

/** The process's one scheduler, shared by every client. */
export const listCollection = new ListCollection();
