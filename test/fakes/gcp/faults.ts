/**
 * Fault injection for the fake, driven in-process by tests: fail the next N calls of one REST
 * method, or fail any call with a probability drawn from a seeded RNG (so a "30 % of calls fail"
 * run is reproducible). A fault answers with a Google error body (429, 403 rateLimitExceeded,
 * 500/503 backendError...), holds the response until the client times out, or resets the
 * connection; `afterApply` lets the call take effect first, like a response lost on the way back.
 */

/** One way a call can fail. */
export type Fault =
  | {
      readonly kind: "status";
      readonly status: number;
      readonly reason?: string;
      readonly retryAfterSeconds?: number;
      /** Adds a google.rpc.ErrorInfo detail, as newer front ends do. */
      readonly withErrorInfo?: boolean;
      readonly afterApply?: boolean;
    }
  | { readonly kind: "timeout"; readonly holdMs?: number; readonly afterApply?: boolean }
  | { readonly kind: "reset"; readonly afterApply?: boolean };

/** Random failures: each call of `operations` (all when omitted) fails with `probability`. */
export interface RandomFaults {
  readonly probability: number;
  readonly seed: number;
  readonly faults: readonly Fault[];
  readonly operations?: readonly string[];
}

/** mulberry32: tiny, fast and good enough to make fault runs reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, call by call, whether the fake answers normally or with a fault. */
export class FaultInjector {
  private readonly queued = new Map<string, Fault[]>();
  private random: (RandomFaults & { next: () => number }) | undefined;

  /** The next `count` calls of `operation` (e.g. `routes.insert`) fail with `fault`. */
  failNext(operation: string, fault: Fault, count = 1): void {
    const queue = this.queued.get(operation) ?? [];
    for (let i = 0; i < count; i++) queue.push(fault);
    this.queued.set(operation, queue);
  }

  /** From now on, calls fail at random (seeded); replaces any earlier random setting. */
  failRandomly(options: RandomFaults): void {
    this.random = { ...options, next: seededRandom(options.seed) };
  }

  /** Back to a healthy API. */
  clear(): void {
    this.queued.clear();
    this.random = undefined;
  }

  /** The fault for this call of `operation`, if any; consumes a queued one. */
  take(operation: string): Fault | undefined {
    const queued = this.queued.get(operation)?.shift();
    if (queued) return queued;
    const random = this.random;
    if (!random || (random.operations && !random.operations.includes(operation))) return undefined;
    if (random.next() >= random.probability) return undefined;
    return random.faults[Math.floor(random.next() * random.faults.length)];
  }
}
