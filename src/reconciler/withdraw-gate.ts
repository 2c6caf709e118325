import type { Clock } from "../clock.js";
import type { ServiceIntent, ServiceKey } from "../domain/service.js";
import { eligibleNodes } from "../planner/target-selection.js";

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The intents with withdrawals held back, and when a held one must be looked at again. */
export interface GatedIntents {
  readonly intents: ServiceIntent[];
  /** Milliseconds until the first held withdrawal's grace ends; undefined when none waits. */
  readonly recheckInMs: number | undefined;
}

/**
 * Keeps `on-no-endpoint: withdraw` from firing on the transient states of an ordinary drain or
 * rollout: while an endpoint is terminating but still serving, and for `graceMs` after the last
 * endpoint went away, routes stay (the EndpointSlice controller publishes such a state for tens
 * of milliseconds before the replacement is ready). The clock is the reconciler's; the planner
 * stays pure and only sees `withdrawHeld`.
 */
export class WithdrawGate {
  private readonly since = new Map<ServiceKey, number>();
  private readonly graceMs: number;
  private readonly clock: Clock;

  constructor(graceMs: number, clock: Clock) {
    this.graceMs = graceMs;
    this.clock = clock;
  }

  apply(intents: readonly ServiceIntent[]): GatedIntents {
    const now = this.clock.monotonicMs();
    const seen = new Set<ServiceKey>();
    let recheckInMs: number | undefined;
    const gated = intents.map((intent) => {
      if (intent.onNoEndpoint !== "withdraw" || eligibleNodes(intent.endpoints).length > 0)
        return intent;
      if (intent.endpoints.some((e) => e.terminating && e.serving === true)) {
        return {
          ...intent,
          withdrawHeld:
            "no ready endpoint, but one is terminating and still serving; keeping the routes until it stops (vpc-route-sync.io/on-no-endpoint=withdraw)",
        };
      }
      seen.add(intent.key);
      const since = this.since.get(intent.key) ?? now;
      this.since.set(intent.key, since);
      const left = since + this.graceMs - now;
      if (left <= 0) return intent;
      recheckInMs = Math.min(recheckInMs ?? left, left);
      return {
        ...intent,
        withdrawHeld: `no ready endpoint; withdrawing routes in ${seconds(left)} unless one becomes ready (vpc-route-sync.io/on-no-endpoint=withdraw, --withdraw-grace ${seconds(this.graceMs)})`,
      };
    });
    for (const key of [...this.since.keys()]) if (!seen.has(key)) this.since.delete(key);
    return { intents: gated, recheckInMs };
  }
}
