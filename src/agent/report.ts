import type { ServiceNote } from "../domain/plan.js";
import type { Logger } from "../observability/logger.js";
import type { NodePlan } from "./plan.js";
import type { RouteStep } from "./route-diff.js";

/** What a pass found that a person should know about. */
export interface PassFindings {
  readonly plan: NodePlan;
  readonly notes: readonly ServiceNote[];
  readonly steps: readonly RouteStep[];
}

/**
 * Logs refusals, notes and conflicts once when they appear, not on every resync: the agent runs
 * on every node, so repeating the same warning each pass would multiply log volume by the node
 * count. `reported` carries what was logged last pass and is updated in place; a problem that
 * goes away and comes back is logged again.
 */
export function reportPass(logger: Logger, reported: Set<string>, findings: PassFindings): void {
  const current = new Map<string, () => void>();
  for (const r of findings.plan.refusals) {
    current.set(`refusal|${r.service}|${r.reason}|${r.message}`, () =>
      logger.warn({ service: r.service, reason: r.reason }, r.message),
    );
  }
  for (const n of [...findings.plan.notes, ...findings.notes]) {
    current.set(`note|${n.service}|${n.reason}|${n.message}`, () =>
      logger.info({ service: n.service, reason: n.reason }, n.message),
    );
  }
  for (const s of findings.steps) {
    if (s.kind !== "conflict") continue;
    current.set(`conflict|${s.service}|${s.reason}`, () =>
      logger.warn({ service: s.service, dst: s.dst, reason: "RouteConflict" }, s.reason),
    );
  }
  if (findings.plan.keepUnknown) {
    current.set("keep-unknown", () =>
      logger.warn(
        "a Service with an invalid or refused request has no remembered routes (the agent restarted since it broke); nothing is removed until it is fixed or deleted",
      ),
    );
  }
  for (const [key, log] of current) if (!reported.has(key)) log();
  reported.clear();
  for (const key of current.keys()) reported.add(key);
}

/** Log fields of one route step. */
export function describeStep(step: RouteStep): Record<string, unknown> {
  if (step.kind === "replace") {
    const { dst, gateway, dev, service } = step.spec;
    return { dst, via: gateway, dev, service, reason: step.reason };
  }
  if (step.kind === "delete") {
    const { dst, gateway, dev, metric } = step.route;
    return { dst, via: gateway, dev, metric, reason: step.reason };
  }
  return { dst: step.dst, reason: step.reason };
}
