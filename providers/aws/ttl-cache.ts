import type { Clock } from "../../src/clock.js";

/** A small map whose entries expire, judged on the monotonic clock so wall-clock jumps do not matter. */
export interface TtlCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  /** Drops every entry the predicate selects (e.g. all entries of one node). */
  deleteWhere(predicate: (value: V) => boolean): void;
  /** Rewrites entries in place without extending their lifetime. */
  updateWhere(predicate: (value: V) => boolean, update: (value: V) => V): void;
}

/**
 * Creates a cache for ENI and VPC lookups: steady state answers from memory, and entries live at
 * most `ttlMs` so a moved ENI or a new VPC range is noticed. Expired entries are swept on write,
 * so the cache never holds more than the nodes seen within one TTL.
 */
export function createTtlCache<V>(clock: Clock, ttlMs: number): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const sweep = (now: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= clock.monotonicMs()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value) {
      const now = clock.monotonicMs();
      sweep(now);
      if (ttlMs > 0) entries.set(key, { value, expiresAt: now + ttlMs });
    },
    deleteWhere(predicate) {
      for (const [key, entry] of entries) if (predicate(entry.value)) entries.delete(key);
    },
    updateWhere(predicate, update) {
      for (const entry of entries.values()) {
        if (predicate(entry.value)) entry.value = update(entry.value);
      }
    },
  };
}
