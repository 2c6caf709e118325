import type { ServiceKey } from "../domain/service.js";

/**
 * A coalescing work queue of Service keys: informer handlers only add keys; the worker takes
 * every pending key at once, so a burst of events becomes one reconcile pass. Each key keeps the
 * monotonic time it was first added, for convergence metrics.
 */
export class CoalescingQueue {
  private pending = new Map<ServiceKey, number>();
  private wake: (() => void) | undefined;
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Adds a key; `at` keeps an earlier first-seen time when a failed batch is put back. */
  add(key: ServiceKey, at: number = this.now()): void {
    const seen = this.pending.get(key);
    if (seen === undefined || at < seen) this.pending.set(key, at);
    this.wake?.();
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves with all pending keys (and their first-added times) once there is at least one. */
  async takeAll(signal: AbortSignal): Promise<Map<ServiceKey, number>> {
    while (this.pending.size === 0) {
      if (signal.aborted) return new Map();
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = undefined;
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    const batch = this.pending;
    this.pending = new Map();
    return batch;
  }
}
