import type { ResolvedTarget } from "../../providers/types.js";
import type { Action, Plan, Refusal } from "../domain/plan.js";
import type { ServiceKey } from "../domain/service.js";
import type { ServiceRecord } from "../kube/cluster-state.js";
import type { ServiceEvent } from "../kube/events.js";
import type { RoutesCondition } from "../kube/status.js";
import type { ActionResult } from "./apply.js";

/** Events and conditions to send after a pass, one condition per annotated Service. */
export interface PassReport {
  readonly events: ServiceEvent[];
  readonly conditions: RoutesCondition[];
}

/** What happened in one pass, as the reporter needs it. */
export interface PassOutcome {
  readonly plan: Plan;
  readonly refusals: readonly Refusal[];
  readonly results: readonly ActionResult[];
  readonly dryRun: boolean;
  /** Forwarding status of the targets routes now point at (or would). */
  readonly targets: ReadonlyMap<string, ResolvedTarget>;
  readonly records: ReadonlyMap<ServiceKey, ServiceRecord>;
}

const verb: Record<string, string> = { create: "created", replace: "replaced", delete: "deleted" };

function describeWrites(actions: readonly Action[], dryRun: boolean): string[] {
  const groups = new Map<string, string[]>();
  for (const a of actions) {
    const what =
      a.kind === "delete"
        ? `${verb[a.kind]} ${a.cidr}`
        : `${verb[a.kind]} ${a.cidr} -> node ${a.target?.nodeName} (${a.target?.id})`;
    const key = dryRun ? `would have ${what}` : what;
    groups.set(key, [...(groups.get(key) ?? []), a.table]);
  }
  return [...groups].map(([what, tables]) => `${what} in ${tables.join(", ")}`);
}

/**
 * Turns a pass into Events and the RoutesProgrammed condition per Service. Only Services the
 * cache knows (annotated, existing) are reported on.
 */
export function buildReport(outcome: PassOutcome): PassReport {
  const events: ServiceEvent[] = [];
  const conditions: RoutesCondition[] = [];
  const bySvc = <T extends { service: ServiceKey }>(items: readonly T[], key: ServiceKey) =>
    items.filter((i) => i.service === key);
  for (const [key, record] of outcome.records) {
    const event = (type: "Normal" | "Warning", reason: string, message: string) =>
      events.push({ service: key, uid: record.uid, type, reason, message });
    const problems: { reason: string; message: string }[] = [];
    for (const r of bySvc(outcome.refusals, key).concat(bySvc(outcome.plan.refusals, key))) {
      event("Warning", r.reason, r.message);
      problems.push(r);
    }
    for (const n of bySvc(outcome.plan.notes, key)) {
      event("Warning", n.reason, n.message);
      problems.push(n);
    }
    const actions = bySvc(outcome.plan.actions, key);
    for (const c of actions.filter((a) => a.kind === "conflict")) {
      const message = `${c.cidr} in ${c.table}: ${c.reason}`;
      event("Warning", "RouteConflict", message);
      problems.push({ reason: "RouteConflict", message });
    }
    const results = outcome.results.filter((r) => r.action.service === key);
    const applied = results.filter((r) => r.outcome === "applied").map((r) => r.action);
    const failed = results.filter((r) => r.outcome === "failed");
    if (outcome.dryRun) {
      const pending = actions.filter(
        (a) => a.kind === "create" || a.kind === "replace" || a.kind === "delete",
      );
      if (pending.length > 0)
        event("Normal", "DryRun", `dry run: ${describeWrites(pending, true).join("; ")}`);
    } else if (applied.length > 0) {
      event("Normal", "RoutesProgrammed", describeWrites(applied, false).join("; "));
    }
    for (const f of failed) {
      const message = `${f.action.kind} of ${f.action.cidr} in ${f.action.table} failed after ${f.attempts} attempt(s): ${f.error}`;
      event("Warning", "RouteWriteFailed", message);
      problems.push({ reason: "RouteWriteFailed", message });
    }
    const targetIds = new Set(actions.flatMap((a) => (a.target ? [a.target.id] : [])));
    for (const target of outcome.targets.values()) {
      if (!targetIds.has(target.id) || target.forwarding.state !== "disabled") continue;
      event("Warning", "ForwardingDisabled", target.forwarding.message);
      problems.push({ reason: "ForwardingDisabled", message: target.forwarding.message });
    }
    conditions.push(condition(key, record, actions, problems, outcome.dryRun));
  }
  return { events, conditions };
}

function condition(
  key: ServiceKey,
  record: ServiceRecord,
  actions: readonly Action[],
  problems: readonly { reason: string; message: string }[],
  dryRun: boolean,
): RoutesCondition {
  const base = { service: key, observedGeneration: record.generation };
  const first = problems[0];
  if (first !== undefined) {
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem(s); see Events)` : "";
    return { ...base, status: "False", reason: first.reason, message: `${first.message}${more}` };
  }
  const routed = actions.filter((a) => a.kind !== "delete" && a.target !== undefined);
  if (routed.length === 0)
    return { ...base, status: "False", reason: "NoRoutes", message: "no routes are programmed" };
  const nodes = [...new Set(routed.map((a) => a.target?.nodeName))].join(", ");
  const cidrs = [...new Set(routed.map((a) => a.cidr))].join(", ");
  const tables = new Set(routed.map((a) => a.table)).size;
  if (dryRun) {
    return {
      ...base,
      status: "Unknown",
      reason: "DryRun",
      message: `dry run: ${cidrs} would route to node ${nodes} in ${tables} route table(s)`,
    };
  }
  return {
    ...base,
    status: "True",
    reason: "RoutesProgrammed",
    message: `${cidrs} routed to node ${nodes} in ${tables} route table(s)`,
  };
}
