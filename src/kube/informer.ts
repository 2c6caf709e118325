import { backoffDelayMs } from "../backoff.js";
import type { Clock } from "../clock.js";
import { TransientError } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { type KubeSource, kubeClientFor } from "./client/client.js";
import { isGone } from "./client/errors.js";

/** Minimal shape of a Kubernetes object the informer needs. */
export interface KubeObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** A list call's result: items plus the collection resourceVersion to watch from. */
export interface ListResult<K> {
  readonly items: readonly K[];
  readonly resourceVersion: string;
}

/** What to watch and how to keep it small in memory. */
export interface InformerOptions<K extends KubeObject, T> {
  readonly name: string;
  /** Collection path, e.g. `/api/v1/namespaces/vpn/services`; listed in pages, then watched. */
  readonly path: string;
  /** Replaces the paged list of `path` (tests); the watch still follows `path`. */
  readonly list?: () => Promise<ListResult<K>>;
  /** Reduces an object to what the controller needs; undefined means "not interesting, do not store". */
  transform(object: K): T | undefined;
  /** Called for every key whose stored value appeared, changed or disappeared. */
  onChange(key: string, value: T | undefined, previous: T | undefined): void;
  readonly kubeConfig: KubeSource;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Full relist period, to heal anything a watch may have missed (default 10 min). */
  readonly relistIntervalMs?: number;
  readonly backoff?: { initialMs: number; maxMs: number };
  readonly random?: () => number;
}

/** Lists of one informer start at most this often, however often a relist is requested. */
const minListIntervalMs = 1_000;

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/**
 * A supervised list+watch cache: it restarts on any error with jittered exponential backoff,
 * relists on 410 Gone and periodically, stores only transformed values, and says whether it is
 * synced and live, so nothing acts on a cache that is not. Lists are paged and each object is
 * transformed as it arrives, so only the small transformed values are ever kept.
 */
export class SupervisedInformer<K extends KubeObject, T> {
  private readonly store = new Map<string, T>();
  private synced = false;
  private live = false;
  private failures = 0;
  private relistRequested = false;
  private relistWaiters: (() => void)[] = [];
  private stopWatch: AbortController | undefined;
  private lastListAt = Number.NEGATIVE_INFINITY;
  private readonly firstSync: Promise<void>;
  private markSynced: () => void = () => undefined;
  private readonly options: InformerOptions<K, T>;

  constructor(options: InformerOptions<K, T>) {
    this.options = options;
    this.firstSync = new Promise((resolve) => {
      this.markSynced = resolve;
    });
  }

  /** Resolves once the first list completed. */
  whenSynced(): Promise<void> {
    return this.firstSync;
  }

  /** True once the first list completed. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** True while the last list succeeded and its watch is running (the API server is reachable). */
  isLive(): boolean {
    return this.live;
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  values(): IterableIterator<T> {
    return this.store.values();
  }

  /**
   * Ends the current watch and lists again: for when what `transform` keeps has changed, so
   * objects it dropped before must be looked at again. Resolves once a list that started after
   * the request has been applied. Requests coalesce, and lists start at most once a second.
   */
  requestRelist(): Promise<void> {
    this.relistRequested = true;
    this.stopWatch?.abort();
    return new Promise((resolve) => this.relistWaiters.push(resolve));
  }

  /** Runs until `signal` aborts; never throws. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger } = this.options;
    const relistMs = this.options.relistIntervalMs ?? 600_000;
    while (!signal.aborted) {
      try {
        const rv = await this.relist(signal);
        this.failures = 0;
        await this.watchUntil(rv, clock.monotonicMs() + relistMs, signal);
      } catch (error) {
        this.live = false;
        if (signal.aborted) break;
        this.failures++;
        const delay = this.backoffMs();
        logger.warn(
          { err: error, informer: this.options.name, retryInMs: Math.round(delay) },
          "informer failed",
        );
        await clock.sleep(delay, signal).catch(() => undefined);
      }
    }
    this.live = false;
  }

  private backoffMs(): number {
    const backoff = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    return backoffDelayMs(this.failures, backoff, this.options.random);
  }

  /** Lists everything, then applies the result at once, so a failed list changes nothing. */
  private async relist(signal: AbortSignal): Promise<string> {
    const { clock, transform, list, path } = this.options;
    const wait = this.lastListAt + minListIntervalMs - clock.monotonicMs();
    if (wait > 0) await clock.sleep(wait, signal);
    this.lastListAt = clock.monotonicMs();
    this.relistRequested = false;
    const waiters = this.relistWaiters.splice(0);
    const listed = new Map<string, T>();
    const collect = (item: K) => {
      const value = transform(item);
      if (value !== undefined) listed.set(keyOf(item), value);
    };
    let resourceVersion: string;
    try {
      if (list) {
        const result = await list();
        for (const item of result.items) collect(item);
        resourceVersion = result.resourceVersion;
      } else {
        resourceVersion = await kubeClientFor(this.options.kubeConfig).list<K>(path, {
          onItem: collect,
          onRestart: () => listed.clear(),
          signal,
        });
      }
    } catch (error) {
      this.relistWaiters.unshift(...waiters);
      throw error;
    }
    for (const key of [...this.store.keys()]) if (!listed.has(key)) this.put(key, undefined);
    for (const [key, value] of listed) this.put(key, value);
    this.synced = true;
    this.live = true;
    this.markSynced();
    for (const resolve of waiters) resolve();
    return resourceVersion;
  }

  private put(key: string, value: T | undefined): void {
    const previous = this.store.get(key);
    if (value === undefined) {
      if (!this.store.has(key)) return;
      this.store.delete(key);
    } else {
      this.store.set(key, value);
      // A change outside the transformed record (e.g. our own status write) is no news: no pass.
      if (previous !== undefined && JSON.stringify(previous) === JSON.stringify(value)) return;
    }
    this.options.onChange(key, value, previous);
  }

  /** Watches from `resourceVersion`, re-watching after clean server closes, until relist time. */
  private async watchUntil(
    resourceVersion: string,
    relistAt: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { clock, path, transform } = this.options;
    const client = kubeClientFor(this.options.kubeConfig);
    let rv = resourceVersion;
    while (!signal.aborted && !this.relistRequested && clock.monotonicMs() < relistAt) {
      const stop = new AbortController();
      this.stopWatch = stop;
      try {
        await client.watch<K>(path, {
          resourceVersion: rv,
          timeoutSeconds: 20 + Math.floor(Math.random() * 8),
          signal: AbortSignal.any([signal, stop.signal]),
          onEvent: (type, object) => {
            rv = object.metadata?.resourceVersion ?? rv;
            if (type === "BOOKMARK") return;
            this.put(keyOf(object), type === "DELETED" ? undefined : transform(object));
          },
        });
      } catch (error) {
        if (stop.signal.aborted && !signal.aborted) return;
        if (!isGone(error)) throw error;
        throw new TransientError(`watch of ${path} expired (410 Gone); relisting`, {
          cause: error,
        });
      } finally {
        this.stopWatch = undefined;
      }
    }
  }
}
