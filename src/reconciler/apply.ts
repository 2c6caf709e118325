import pRetry from "p-retry";
import type { RouteWrite } from "../../providers/types.js";
import type { Clock } from "../clock.js";
import { mustParseCidr } from "../domain/cidr.js";
import type { Action } from "../domain/plan.js";
import { isWrite } from "../domain/plan.js";
import { errorMessage, isRetryable, isThrottled, isWriteStopped } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import type { WriteRateLimiter } from "./rate-limiter.js";

/** Outcome of one planned action. */
export interface ActionResult {
  readonly action: Action;
  readonly outcome: "applied" | "failed" | "skipped";
  readonly error?: string;
  readonly attempts: number;
}

/** What the applier needs; all injected. */
export interface ApplyDeps {
  applyWrite(write: RouteWrite): Promise<void>;
  /** Throws unless this process may write now (leader lease held on the monotonic clock). */
  assertMayWrite(): void;
  readonly limiter: WriteRateLimiter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retries?: number;
  readonly minRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly signal?: AbortSignal;
  /**
   * What writes are serialised on: "table" (default) runs one write at a time per route table;
   * "route" one per (table, CIDR), for providers whose routes are independent objects.
   */
  readonly serialiseBy?: "table" | "route";
  onWrite?(action: Action, outcome: "ok" | "error", seconds: number): void;
}

function toWrite(action: Action): RouteWrite {
  const kind = action.kind;
  if (kind !== "create" && kind !== "replace" && kind !== "delete")
    throw new Error(`${kind} is not a write`);
  return {
    kind,
    table: action.table,
    cidr: mustParseCidr(action.cidr),
    target: action.target,
    owner: action.owner,
    adopt: action.adopt,
    routeExists: action.routeExists,
    ownerChanged: action.ownerChanged,
  };
}

async function applyOne(action: Action, deps: ApplyDeps): Promise<ActionResult> {
  let attempts = 0;
  let applied = false;
  const write = toWrite(action);
  try {
    await pRetry(
      async () => {
        await deps.limiter.acquire(deps.signal);
        deps.assertMayWrite();
        attempts++;
        const started = deps.clock.monotonicMs();
        try {
          await deps.applyWrite(write);
          applied = true;
          deps.onWrite?.(action, "ok", (deps.clock.monotonicMs() - started) / 1000);
        } catch (error) {
          deps.onWrite?.(action, "error", (deps.clock.monotonicMs() - started) / 1000);
          throw error;
        }
      },
      {
        retries: deps.retries ?? 4,
        minTimeout: deps.minRetryDelayMs ?? 250,
        maxTimeout: deps.maxRetryDelayMs ?? 5_000,
        randomize: true,
        signal: deps.signal,
        shouldRetry: ({ error }) => !isWriteStopped(error) && isRetryable(error),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          deps.logger.warn(
            {
              err: error,
              table: action.table,
              cidr: action.cidr,
              action: action.kind,
              retriesLeft,
            },
            "route write failed",
          );
          if (isThrottled(error) && error.retryAfterMs !== undefined && retriesLeft > 0) {
            await deps.clock.sleep(Math.min(error.retryAfterMs, 60_000), deps.signal);
          }
        },
      },
    );
    logApplied(action, deps.logger);
    return { action, outcome: "applied", attempts };
  } catch (error) {
    // p-retry reports a stop that came while the write was in flight as the abort; the write
    // itself may have succeeded, and then it is reported as what it was.
    if (applied) {
      logApplied(action, deps.logger);
      return { action, outcome: "applied", attempts };
    }
    if (deps.signal?.aborted && error === deps.signal.reason) {
      // Stopped while a write was in flight: the cloud may well have applied it, so it is not
      // reported as failed. The next pass (here or in the next leader) reads the table again.
      const unknown =
        "stopped before the cloud answered; outcome unknown, re-read on the next pass";
      deps.logger.info({ table: action.table, cidr: action.cidr, action: action.kind }, unknown);
      return { action, outcome: "skipped", error: unknown, attempts };
    }
    const outcome = isWriteStopped(error) ? "skipped" : "failed";
    return { action, outcome, error: errorMessage(error), attempts };
  }
}

function logApplied(action: Action, logger: Logger): void {
  logger.info(
    {
      table: action.table,
      cidr: action.cidr,
      target: action.target?.id,
      from: action.currentTargetId,
      action: action.kind,
    },
    `route ${action.kind === "create" ? "created" : action.kind === "replace" ? "replaced" : "deleted"}`,
  );
}

/**
 * Applies the write actions of a plan: serially within a route table (one in-flight write per
 * table; per route with `serialiseBy: "route"`), tables in parallel, every write rate-limited and
 * preceded by a leadership check. It keeps going past failures and returns one result per write
 * action.
 */
export async function applyPlan(
  actions: readonly Action[],
  deps: ApplyDeps,
): Promise<ActionResult[]> {
  const lanes = new Map<string, Action[]>();
  for (const action of actions.filter(isWrite)) {
    const lane = deps.serialiseBy === "route" ? `${action.table}\n${action.cidr}` : action.table;
    const list = lanes.get(lane) ?? [];
    list.push(action);
    lanes.set(lane, list);
  }
  const perLane = await Promise.all(
    [...lanes.values()].map(async (list) => {
      const results: ActionResult[] = [];
      for (const action of list) {
        const last = results.at(-1);
        if (last?.outcome === "skipped") {
          results.push({ action, outcome: "skipped", error: last.error, attempts: 0 });
          continue;
        }
        results.push(await applyOne(action, deps));
      }
      return results;
    }),
  );
  return perLane.flat();
}
