import type { IpFamily } from "../domain/cidr.js";
import type { RouteTarget } from "../domain/route.js";
import type { EndpointInfo } from "../domain/service.js";

/** Key of a resolved target in the map the reconciler passes to the planner. */
export function targetKey(nodeName: string, family: IpFamily): string {
  return `${nodeName}|${family}`;
}

/** The node chosen to receive a Service's CIDRs, or why there is none. */
export type TargetChoice =
  | {
      readonly kind: "node";
      readonly nodeName: string;
      readonly targets: ReadonlyMap<IpFamily, RouteTarget>;
    }
  | { readonly kind: "no-ready-endpoint" }
  | { readonly kind: "unresolved"; readonly nodes: readonly string[] };

/** Endpoints that may receive traffic: ready, not terminating, scheduled on a node. */
export function eligibleNodes(endpoints: readonly EndpointInfo[]): string[] {
  const nodes = new Set<string>();
  for (const e of endpoints) {
    if (e.ready && !e.terminating && e.nodeName !== undefined && e.nodeName !== "")
      nodes.add(e.nodeName);
  }
  return [...nodes].sort();
}

/**
 * Chooses the hosting node: the current one while it stays eligible (no flapping), otherwise the
 * first eligible node in name order (deterministic across restarts and replicas). A node counts
 * only if it resolved to a target for every family the Service needs.
 */
export function selectTarget(
  endpoints: readonly EndpointInfo[],
  families: readonly IpFamily[],
  targets: ReadonlyMap<string, RouteTarget>,
  /**
   * How many of the Service's current routes point at each target id. A function, called only when
   * there is a choice to make: counting walks every route of every table.
   */
  currentVotes: () => ReadonlyMap<string, number>,
): TargetChoice {
  const nodes = eligibleNodes(endpoints);
  if (nodes.length === 0) return { kind: "no-ready-endpoint" };
  const resolved = nodes.flatMap((nodeName) => {
    const perFamily = new Map<IpFamily, RouteTarget>();
    for (const family of families) {
      const target = targets.get(targetKey(nodeName, family));
      if (target === undefined) return [];
      perFamily.set(family, target);
    }
    return [{ nodeName, perFamily }];
  });
  if (resolved.length === 0) return { kind: "unresolved", nodes };
  // With a single candidate there is nothing to choose, so the current routes are not counted.
  const votesById = resolved.length > 1 ? currentVotes() : new Map<string, number>();
  let best: (typeof resolved)[number] | undefined;
  let bestVotes = 0;
  for (const candidate of resolved) {
    const ids = new Set([...candidate.perFamily.values()].map((t) => t.id));
    let votes = 0;
    for (const id of ids) votes += votesById.get(id) ?? 0;
    if (votes > bestVotes) {
      best = candidate;
      bestVotes = votes;
    }
  }
  const chosen = best ?? resolved[0];
  if (chosen === undefined) return { kind: "unresolved", nodes };
  return { kind: "node", nodeName: chosen.nodeName, targets: chosen.perFamily };
}
