import type { Action, Plan, Refusal } from "../domain/plan.js";
import { exitCodes } from "./exit-codes.js";

/** The exit codes `plan` uses (exit-codes.ts holds every code). */
export const planExitCodes = {
  inSync: exitCodes.ok,
  error: exitCodes.error,
  drift: exitCodes.drift,
  attention: exitCodes.attention,
} as const;

/** The plan as `--output json` prints it: stable field names for scripts. */
export function planToJson(plan: Plan, refusals: readonly Refusal[]): string {
  const row = (a: Action) => ({
    routeTable: a.table,
    cidr: a.cidr,
    service: a.service,
    action: a.kind,
    currentTarget: a.currentTargetDescription ?? null,
    desiredTarget: a.target?.id ?? null,
    desiredNode: a.target?.nodeName ?? null,
    reason: a.reason,
  });
  return `${JSON.stringify(
    {
      inSync: planExitCode(plan, refusals) === planExitCodes.inSync,
      actions: plan.actions.map(row),
      refusals: [...refusals, ...plan.refusals],
      notes: plan.notes,
    },
    null,
    2,
  )}\n`;
}

/** The plan as a table people read: one row per (route table, CIDR). */
export function planToTable(plan: Plan, refusals: readonly Refusal[]): string {
  const header = ["ROUTE TABLE", "CIDR", "CURRENT", "DESIRED", "ACTION", "REASON"];
  const rows = plan.actions.map((a) => [
    a.table,
    a.cidr,
    a.currentTargetDescription ?? "-",
    a.target ? `${a.target.id} (${a.target.nodeName})` : "-",
    a.kind,
    a.reason,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out =
    rows.length > 0
      ? [line(header), ...rows.map(line)]
      : ["No managed routes and nothing requested."];
  const problems = [...refusals, ...plan.refusals, ...plan.notes];
  if (problems.length > 0) {
    out.push("", "Problems:");
    for (const p of problems) out.push(`  ${p.service}: ${p.reason}: ${p.message}`);
  }
  const writes = plan.actions.filter(
    (a) => a.kind === "create" || a.kind === "replace" || a.kind === "delete",
  ).length;
  out.push(
    "",
    writes === 0 ? "In sync: no route writes needed." : `Drift: ${writes} route write(s) needed.`,
  );
  return `${out.join("\n")}\n`;
}

/** 0 in sync, 2 when writes are pending, 3 when nothing to write but conflicts or refusals need attention. */
export function planExitCode(plan: Plan, refusals: readonly Refusal[]): number {
  if (plan.actions.some((a) => a.kind === "create" || a.kind === "replace" || a.kind === "delete"))
    return planExitCodes.drift;
  if (
    refusals.length > 0 ||
    plan.refusals.length > 0 ||
    plan.actions.some((a) => a.kind === "conflict")
  ) {
    return planExitCodes.attention;
  }
  return planExitCodes.inSync;
}
