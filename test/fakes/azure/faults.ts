import type { OperationError } from "./operations.js";
import type { OperationName } from "./router.js";

/** What an injected fault does to a matching call. */
export type FaultEffect =
  /** Answer with an ARM error (429 adds `Retry-After` when `retryAfterSeconds` is set). */
  | {
      readonly status: number;
      readonly code: string;
      readonly message?: string;
      readonly retryAfterSeconds?: number;
    }
  /** Drop the connection without an answer (the client sees ECONNRESET). */
  | { readonly reset: true }
  /** Answer normally after a delay (client timeouts). */
  | { readonly delayMs: number }
  /** Accept the write, then end its asynchronous operation as `Failed`. */
  | { readonly asyncFailure: OperationError };

/** A fault for the next `times` matching calls, or for each with `probability` (seeded RNG). */
export interface FaultSpec {
  readonly operation: OperationName | "*";
  readonly effect: FaultEffect;
  readonly times?: number;
  readonly probability?: number;
  /** Seed of the RNG used with `probability`, so a failing run can be replayed. */
  readonly seed?: number;
}

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
  readonly random: () => number;
}

/** mulberry32: a tiny seeded PRNG, so probabilistic faults are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Holds injected faults and decides, per call, whether one fires (first armed fault wins). */
export class FaultInjector {
  private faults: ArmedFault[] = [];

  /** Arms a fault; `times` defaults to 1 unless a probability is given. */
  add(spec: FaultSpec): void {
    const remaining = spec.times ?? (spec.probability === undefined ? 1 : Number.POSITIVE_INFINITY);
    this.faults.push({ spec, remaining, random: seededRandom(spec.seed ?? 1) });
  }

  /** Disarms every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The effect for this call of `operation`, consuming one use of the fault that fires. */
  take(operation: OperationName): FaultEffect | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      if (fault.spec.operation !== "*" && fault.spec.operation !== operation) continue;
      if (fault.spec.probability !== undefined && fault.random() >= fault.spec.probability)
        continue;
      fault.remaining -= 1;
      return fault.spec.effect;
    }
    return undefined;
  }
}
