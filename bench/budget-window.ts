import { setTimeout as sleep } from "node:timers/promises";
import { ApiException } from "@kubernetes/client-node";
import type { KubeObjects } from "../test/harness/kube-objects.js";
import { type BenchController, type CallCounts, diffCounts } from "./bench-controller.js";
import { countByAction, type Ec2Tap } from "./ec2-tap.js";

/** EC2 calls of one window, by Action, at the wire and as the controller counted them. */
export interface BudgetWindow {
  readonly label: string;
  /** (table, CIDR) pairs whose route had to change in this window. */
  readonly changedPairs: number;
  readonly wire: Record<string, number>;
  readonly controllerCounted: CallCounts;
  /** CreateRoute + ReplaceRoute + DeleteRoute seen at the wire. */
  readonly routeWrites: number;
  /** CreateTags + DeleteTags (ownership records) seen at the wire. */
  readonly tagWrites: number;
  /** DescribeRouteTables calls that carried no Filter (account-wide listings). */
  readonly unfilteredDescribes: number;
  readonly passes: number;
  readonly seconds: number;
}

const routeActions = ["CreateRoute", "ReplaceRoute", "DeleteRoute"];
const tagActions = ["CreateTags", "DeleteTags"];
const sum = (counts: Record<string, number>, keys: readonly string[]) =>
  keys.reduce((n, k) => n + (counts[k] ?? 0), 0);

/**
 * Runs `act`, waits until `done` holds, then `settleMs` more for trailing calls (the pass the
 * controller's own status update triggers, for one), and returns what crossed the wire.
 */
export async function budgetWindow(
  tap: Ec2Tap,
  controller: BenchController,
  spec: {
    label: string;
    changedPairs: number;
    act: () => Promise<void>;
    done: () => Promise<boolean>;
    settleMs: number;
  },
): Promise<BudgetWindow> {
  const t0 = performance.now();
  tap.reset();
  const before = await controller.cloudCalls();
  const passes0 = controller.passes();
  await spec.act();
  while (!(await spec.done())) {
    if (performance.now() - t0 > 60_000) throw new Error(`${spec.label}: not converged in 60 s`);
    await sleep(20);
  }
  await sleep(spec.settleMs);
  const calls = tap.calls();
  const wire = countByAction(calls);
  return {
    label: spec.label,
    changedPairs: spec.changedPairs,
    wire,
    controllerCounted: diffCounts(await controller.cloudCalls(), before),
    routeWrites: sum(wire, routeActions),
    tagWrites: sum(wire, tagActions),
    unfilteredDescribes: calls.filter(
      (c) => c.action === "DescribeRouteTables" && c.filters.length === 0,
    ).length,
    passes: controller.passes() - passes0,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}

/**
 * Replaces the Service's annotations, retrying when the controller's own status write got in
 * between the read and the replace (409 Conflict), as any client of a busy object must.
 */
export async function annotate(
  objects: KubeObjects,
  namespace: string,
  annotations: Record<string, string>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await objects.setServiceAnnotations(namespace, "vpn", annotations);
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409) || attempt >= 5) throw error;
    }
  }
}
