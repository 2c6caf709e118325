import type { Clock } from "../src/clock.js";

/**
 * The one cache of the providers' cloud lookups (node -> target, network ranges): entries live
 * `ttlMs` on the monotonic clock, so a moved interface or a new range is noticed and wall-clock
 * jumps do not matter; expired entries are swept on every write, so the cache never holds more
 * than what was looked up within one TTL; concurrent lookups of one key share one call; a
 * failed lookup is not cached (a throttle or a blip is asked again next time).
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(clock: Clock, ttlMs: number) {
    this.clock = clock;
    this.ttlMs = ttlMs;
  }

  /** The live value for `key`, the lookup already under way for it, or a new `load()`. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.peek(key);
    if (cached !== undefined) return cached;
    const running = this.inflight.get(key);
    if (running !== undefined) return await running;
    const lookup = load().then((value) => {
      this.set(key, value);
      return value;
    });
    this.inflight.set(key, lookup);
    try {
      return await lookup;
    } finally {
      this.inflight.delete(key);
    }
  }

  /** The live value for `key`, without looking anything up. */
  peek(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.clock.monotonicMs()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Stores `value` for one TTL (nothing with a TTL of 0), sweeping expired entries first. */
  set(key: string, value: V): void {
    const now = this.clock.monotonicMs();
    for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
    if (this.ttlMs > 0) this.entries.set(key, { value, expiresAt: now + this.ttlMs });
  }

  /** Drops every entry the predicate selects (e.g. all entries of one node). */
  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (predicate(entry.value)) this.entries.delete(key);
  }

  /** Rewrites entries in place without extending their lifetime. */
  updateWhere(predicate: (value: V) => boolean, update: (value: V) => V): void {
    for (const entry of this.entries.values())
      if (predicate(entry.value)) entry.value = update(entry.value);
  }
}
