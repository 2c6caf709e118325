import type { BudgetWindow } from "./budget-window.js";
import type { BenchResult } from "./results.js";

type Target = BenchResult["targets"][number];

const describe = (w: BudgetWindow) =>
  Object.entries(w.wire)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ") || "no calls";

/**
 * Target lines of the API-budget benchmark: route writes equal the changed (table, CIDR)
 * pairs in every window that changes something; idle: no writes and at most one filtered
 * DescribeRouteTables per resync pass.
 */
export function budgetTargets(windows: readonly BudgetWindow[], idleSeconds: number): Target[] {
  const lines: Target[] = [];
  const moves = windows.filter((w) => w.label.startsWith("move "));
  const exact = moves.filter((w) => w.routeWrites === w.changedPairs && w.tagWrites === 0);
  const describes = moves.map((w) => w.wire.DescribeRouteTables ?? 0);
  lines.push({
    name: `writes per move (1 CIDR x 3 tables, ${moves.length} moves)`,
    target: "== changed pairs (3)",
    measured: `${exact.length}/${moves.length} moves wrote exactly 3 (ReplaceRoute ${moves.map((w) => w.wire.ReplaceRoute ?? 0).join("/")}; no tag writes); DescribeRouteTables per move ${Math.min(...describes)}-${Math.max(...describes)}`,
    met: exact.length === moves.length && moves.length > 0,
  });
  for (const label of ["CIDR added", "CIDR removed"]) {
    const w = windows.find((x) => x.label === label);
    if (w === undefined) continue;
    lines.push({
      name: `route writes when a ${label.replace("CIDR ", "CIDR is ")}`,
      target: `== changed pairs (${w.changedPairs})`,
      measured: `${w.routeWrites} route writes + ${w.tagWrites} ownership-tag writes (${describe(w)})`,
      met: w.routeWrites === w.changedPairs,
    });
  }
  const idle = windows.find((w) => w.label === "idle");
  if (idle !== undefined) {
    const perMinute = 60 / idle.seconds;
    const writes = idle.routeWrites + idle.tagWrites;
    const reads = idle.wire.DescribeRouteTables ?? 0;
    const perPass = reads / Math.max(1, idle.passes);
    lines.push({
      name: `idle writes (${idleSeconds} s at the default 60 s resync)`,
      target: "0",
      measured: `${writes} (${Math.round(writes * perMinute * 10) / 10} per minute)`,
      met: writes === 0,
    });
    lines.push({
      name: "idle DescribeRouteTables per resync pass",
      target: "<= 1, filtered",
      measured: `${perPass} per pass (${reads} in ${idle.seconds} s, ${idle.passes} pass(es); ${idle.unfilteredDescribes} unfiltered); all idle calls: ${describe(idle)}`,
      met: idle.passes > 0 && perPass <= 1 && idle.unfilteredDescribes === 0,
    });
  }
  return lines;
}
