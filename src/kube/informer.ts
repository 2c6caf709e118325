import type { KubeConfig } from "@kubernetes/client-node";
import { Watch } from "@kubernetes/client-node";
import type { Clock } from "../clock.js";
import type { Logger } from "../observability/logger.js";

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
  /** Watch path, e.g. `/api/v1/namespaces/vpn/services`. */
  readonly path: string;
  list(): Promise<ListResult<K>>;
  /** Reduces an object to what the controller needs; undefined means "not interesting, do not store". */
  transform(object: K): T | undefined;
  /** Called for every key whose stored value appeared, changed or disappeared. */
  onChange(key: string, value: T | undefined): void;
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Full relist period, to heal anything a watch may have missed (default 10 min). */
  readonly relistIntervalMs?: number;
  readonly backoff?: { initialMs: number; maxMs: number };
  readonly random?: () => number;
}

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/**
 * A supervised list+watch cache: it restarts on any error with jittered exponential backoff,
 * relists on 410 Gone and periodically, stores only transformed values, and says whether it is
 * synced and live, so nothing acts on a cache that is not.
 */
export class SupervisedInformer<K extends KubeObject, T> {
  private readonly store = new Map<string, T>();
  private synced = false;
  private live = false;
  private failures = 0;
  private readonly options: InformerOptions<K, T>;

  constructor(options: InformerOptions<K, T>) {
    this.options = options;
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

  /** Runs until `signal` aborts; never throws. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger } = this.options;
    const relistMs = this.options.relistIntervalMs ?? 600_000;
    while (!signal.aborted) {
      try {
        const rv = await this.relist();
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
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const random = this.options.random ?? Math.random;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures - 1, 16));
    return base / 2 + (random() * base) / 2;
  }

  private async relist(): Promise<string> {
    const result = await this.options.list();
    const seen = new Set<string>();
    for (const item of result.items) {
      const key = keyOf(item);
      seen.add(key);
      this.put(key, this.options.transform(item));
    }
    for (const key of [...this.store.keys()]) if (!seen.has(key)) this.put(key, undefined);
    this.synced = true;
    this.live = true;
    return result.resourceVersion;
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
    this.options.onChange(key, value);
  }

  /** Watches from `resourceVersion`, re-watching after clean server closes, until relist time. */
  private async watchUntil(
    resourceVersion: string,
    relistAt: number,
    signal: AbortSignal,
  ): Promise<void> {
    let rv = resourceVersion;
    const watch = new Watch(this.options.kubeConfig);
    while (!signal.aborted && this.options.clock.monotonicMs() < relistAt) {
      rv = await new Promise<string>((resolve, reject) => {
        let latest = rv;
        let gone = false;
        const onAbort = () => controller.then((c) => c.abort());
        const controller = watch.watch(
          this.options.path,
          {
            resourceVersion: latest,
            allowWatchBookmarks: true,
            timeoutSeconds: 20 + Math.floor(Math.random() * 8),
          },
          (phase: string, object: K & { code?: number }) => {
            if (phase === "ERROR") {
              gone = object.code === 410;
              return;
            }
            latest = object.metadata?.resourceVersion ?? latest;
            if (phase === "BOOKMARK") return;
            const key = keyOf(object);
            this.put(key, phase === "DELETED" ? undefined : this.options.transform(object));
          },
          (err: unknown) => {
            signal.removeEventListener("abort", onAbort);
            if (gone)
              reject(new Error(`watch of ${this.options.path} expired (410 Gone); relisting`));
            else if (err) reject(err);
            else resolve(latest);
          },
        );
        signal.addEventListener("abort", onAbort, { once: true });
        controller.catch(reject);
      });
    }
  }
}
