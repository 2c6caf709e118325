import pRetry from "p-retry";
import type { Provider } from "../../providers/types.js";
import type { Clock } from "../clock.js";
import { isWrite, type Plan } from "../domain/plan.js";
import type { ServiceKey } from "../domain/service.js";
import { isRetryable, isThrottled, UnsafeToWriteError } from "../errors.js";
import type { EventSink } from "../kube/events.js";
import type { NodeDirectory } from "../kube/nodes.js";
import type { StatusSink } from "../kube/status.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { planRoutes } from "../planner/plan.js";
import { type ActionResult, applyPlan } from "./apply.js";
import { type ClusterSnapshot, type Observation, observe, type PlanSettings } from "./observe.js";
import type { WriteRateLimiter } from "./rate-limiter.js";
import { buildReport } from "./report.js";
import type { WithdrawGate } from "./withdraw-gate.js";

/** The live view of the cluster the reconciler needs: a snapshot plus sync state. */
export interface ClusterView extends ClusterSnapshot {
  hasSynced(): boolean;
  isLive(): boolean;
}

/** Everything a pass needs, injected. */
export interface ReconcilerDeps {
  readonly provider: Provider;
  readonly cluster: ClusterView;
  readonly nodes: NodeDirectory;
  readonly events: EventSink;
  readonly status: StatusSink;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly limiter: WriteRateLimiter;
  readonly settings: PlanSettings;
  readonly dryRun: boolean;
  readonly manageForwarding: boolean;
  /** True while this process may write (leader, lease valid); always false in dry-run. */
  mayWrite(): boolean;
  /** Throws unless this process may write right now. */
  assertMayWrite(): void;
  readonly retry?: { retries: number; minDelayMs: number; maxDelayMs: number };
  /** Holds `on-no-endpoint: withdraw` back through transient states; none withdraws at once. */
  readonly withdrawGate?: WithdrawGate;
  readonly signal?: AbortSignal;
}

/** Why a pass did not get to plan; readiness and the loop compare these, never free text. */
export const passProblems = {
  staleCluster: "caches not synced or API server unreachable",
  cloudUnobserved: "cloud state not observed",
} as const;

/** One of `passProblems`. */
export type PassProblem = (typeof passProblems)[keyof typeof passProblems];

/** Result of a pass, for the loop (retry scheduling) and for tests. */
export interface PassResult {
  readonly status: "success" | "error" | "skipped";
  readonly plan?: Plan;
  readonly results: readonly ActionResult[];
  readonly reason?: PassProblem;
  /** A held withdrawal must be looked at again this many milliseconds from now. */
  readonly recheckInMs?: number;
}

let passCounter = 0;

/**
 * One level-based reconcile pass: observe everything, plan everything (a value), apply the
 * writes (leader only, never while the cluster view is stale), then report. `batch` holds the
 * keys that triggered the pass with their first-seen times, for convergence metrics.
 */
export async function reconcilePass(
  deps: ReconcilerDeps,
  batch: ReadonlyMap<ServiceKey, number>,
): Promise<PassResult> {
  const started = deps.clock.monotonicMs();
  const log = deps.logger.child({
    reconcileId: ++passCounter,
    services: [...batch.keys()].slice(0, 10),
  });
  if (!deps.cluster.hasSynced() || !deps.cluster.isLive()) {
    deps.metrics.reconciles.inc({ result: "skipped" });
    log.info(`reconcile skipped: ${passProblems.staleCluster}`);
    return { status: "skipped", results: [], reason: passProblems.staleCluster };
  }
  let observation: Observation;
  try {
    // Reads get quick jittered retries (honouring Retry-After), so one throttled or dropped call
    // does not fail the whole pass and send the loop into its exponential back-off.
    observation = await pRetry(
      () => observe(deps.cluster, deps.provider, deps.nodes, deps.settings, log),
      {
        retries: Math.min(deps.retry?.retries ?? 3, 3),
        minTimeout: deps.retry?.minDelayMs ?? 200,
        maxTimeout: Math.min(deps.retry?.maxDelayMs ?? 2_000, 2_000),
        randomize: true,
        signal: deps.signal,
        shouldRetry: ({ error }) => isRetryable(error),
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (isThrottled(error) && error.retryAfterMs !== undefined && retriesLeft > 0)
            await deps.clock.sleep(Math.min(error.retryAfterMs, 10_000), deps.signal);
        },
      },
    );
  } catch (error) {
    deps.metrics.reconciles.inc({ result: "error" });
    log.error({ err: error }, passProblems.cloudUnobserved);
    return { status: "error", results: [], reason: passProblems.cloudUnobserved };
  }
  const gated = deps.withdrawGate?.apply(observation.input.intents);
  const plan = planRoutes(
    gated ? { ...observation.input, intents: gated.intents } : observation.input,
  );
  const writes = plan.actions.filter(isWrite);
  deps.metrics.drift.set(writes.length);
  deps.metrics.managedRoutes.set(
    plan.actions.filter((a) => a.kind === "keep" || a.kind === "replace").length,
  );
  deps.metrics.conflicts.inc(plan.actions.filter((a) => a.kind === "conflict").length);
  for (const r of [...observation.refusals, ...plan.refusals])
    deps.metrics.refusals.inc({ reason: r.reason });
  let results: ActionResult[] = [];
  const resolved = observation.resolved;
  if (deps.dryRun) {
    for (const a of writes) {
      log.info(
        {
          table: a.table,
          cidr: a.cidr,
          action: a.kind,
          from: a.currentTargetDescription,
          to: a.target?.id,
          reason: a.reason,
        },
        "dry run: write skipped",
      );
    }
  } else if (deps.mayWrite() && deps.cluster.isLive()) {
    // Every target the plan routes to, not only those of this pass's writes: routes that already
    // point at a node whose forwarding is off (turned off behind our back, or before the setting
    // was enabled) are as broken as new ones.
    if (deps.manageForwarding)
      await enableForwarding(
        deps,
        observation,
        plan.actions.map((a) => a.target?.id),
        log,
      );
  }
  if (!deps.dryRun && writes.length > 0 && deps.mayWrite() && deps.cluster.isLive()) {
    results = await applyPlan(writes, {
      applyWrite: (w) => deps.provider.applyWrite(w),
      assertMayWrite: () => {
        deps.assertMayWrite();
        if (!deps.cluster.isLive())
          throw new UnsafeToWriteError("API server unreachable; write abandoned");
      },
      limiter: deps.limiter,
      clock: deps.clock,
      logger: log,
      retries: deps.retry?.retries,
      minRetryDelayMs: deps.retry?.minDelayMs,
      maxRetryDelayMs: deps.retry?.maxDelayMs,
      signal: deps.signal,
      serialiseBy: deps.provider.capabilities.independentRoutes ? "route" : "table",
      onWrite: (a, outcome) =>
        deps.metrics.routeWrites.inc({
          provider: deps.provider.name,
          action: a.kind,
          result: outcome,
        }),
    });
    const done = deps.clock.monotonicMs();
    for (const service of new Set(
      results.filter((r) => r.outcome === "applied").map((r) => r.action.service),
    )) {
      deps.metrics.convergenceDuration.observe((done - (batch.get(service) ?? started)) / 1000);
    }
  }
  const report = buildReport({
    plan,
    refusals: observation.refusals,
    results,
    dryRun: deps.dryRun,
    targets: resolved,
    records: observation.records,
  });
  if (deps.dryRun || deps.mayWrite()) {
    await Promise.all([
      ...report.events.map((e) => deps.events.emit(e)),
      ...report.conditions.map((c) => deps.status.setCondition(c)),
    ]);
  }
  const failed = results.some((r) => r.outcome !== "applied");
  const status = failed ? "error" : "success";
  deps.metrics.reconciles.inc({ result: status });
  deps.metrics.reconcileDuration.observe((deps.clock.monotonicMs() - started) / 1000);
  log.debug(
    {
      actions: plan.actions.length,
      writes: writes.length,
      ms: Math.round(deps.clock.monotonicMs() - started),
    },
    "reconciled",
  );
  return { status, plan, results, recheckInMs: gated?.recheckInMs };
}

/** Turns forwarding on for the targets the plan routes to, where it is off. */
async function enableForwarding(
  deps: ReconcilerDeps,
  observation: Observation,
  targetIds: (string | undefined)[],
  log: Logger,
): Promise<void> {
  const wanted = new Set(targetIds);
  for (const target of observation.resolved.values()) {
    if (!wanted.has(target.id) || target.forwarding.state !== "disabled") continue;
    try {
      deps.assertMayWrite();
      await deps.provider.enableForwarding(target);
      log.info({ target: target.id, node: target.nodeName }, "forwarding enabled");
    } catch (error) {
      log.warn({ err: error, target: target.id }, "forwarding not enabled");
    }
  }
}
