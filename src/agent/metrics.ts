import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Every metric the node agent exports, on its own registry. */
export interface AgentMetrics {
  readonly registry: Registry;
  readonly reconciles: Counter<"result">;
  readonly reconcileDuration: Histogram;
  readonly convergenceDuration: Histogram;
  readonly routeWrites: Counter<"action" | "result">;
  readonly masqueradeWrites: Counter<"family" | "action" | "result">;
  readonly refusals: Counter<"reason">;
  readonly conflicts: Gauge;
  readonly managedRoutes: Gauge;
}

const refusalReasons = [
  "InvalidAnnotation",
  "CidrNotAllowed",
  "RouteConflict",
  "NamespaceNotAllowed",
];

/**
 * Creates the agent's metrics with every known series at 0, so a DaemonSet-wide alert such as
 * "conflicts > 0 on any node" works before the first event. Prefixed `vpc_route_sync_agent_`
 * so one Prometheus can scrape controller and agents without clashes.
 */
export function createAgentMetrics(options: { defaultMetrics?: boolean } = {}): AgentMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: "vpc_route_sync_agent_process_" });
  const registers = [registry];
  const reconciles = new Counter({
    name: "vpc_route_sync_agent_reconciles_total",
    help: "Node reconcile passes by result (success, error, skipped).",
    labelNames: ["result"] as const,
    registers,
  });
  for (const result of ["success", "error", "skipped"]) reconciles.inc({ result }, 0);
  const reconcileDuration = new Histogram({
    name: "vpc_route_sync_agent_reconcile_duration_seconds",
    help: "Duration of one node reconcile pass (plan, read the kernel, write).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const convergenceDuration = new Histogram({
    name: "vpc_route_sync_agent_convergence_duration_seconds",
    help: "Time from a Service or endpoint change being observed to this node's kernel state written.",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers,
  });
  const routeWrites = new Counter({
    name: "vpc_route_sync_agent_route_writes_total",
    help: "Kernel route writes by action (replace, delete) and result (ok, error).",
    labelNames: ["action", "result"] as const,
    registers,
  });
  for (const action of ["replace", "delete"])
    for (const result of ["ok", "error"]) routeWrites.inc({ action, result }, 0);
  const masqueradeWrites = new Counter({
    name: "vpc_route_sync_agent_masquerade_writes_total",
    help: "iptables-restore runs on the masquerade chain by family, action (install, remove) and result.",
    labelNames: ["family", "action", "result"] as const,
    registers,
  });
  for (const family of ["4", "6"])
    for (const action of ["install", "remove"])
      for (const result of ["ok", "error"]) masqueradeWrites.inc({ family, action, result }, 0);
  const refusals = new Counter({
    name: "vpc_route_sync_agent_refusals_total",
    help: "Requests refused by the agent's policy checks, by reason (counted once per pass).",
    labelNames: ["reason"] as const,
    registers,
  });
  for (const reason of refusalReasons) refusals.inc({ reason }, 0);
  const conflicts = new Gauge({
    name: "vpc_route_sync_agent_route_conflicts",
    help: "Requested CIDRs for which this node has a route the agent did not install (never touched).",
    registers,
  });
  const managedRoutes = new Gauge({
    name: "vpc_route_sync_agent_managed_routes",
    help: "Routes this node should carry for VPN CIDRs after the last pass.",
    registers,
  });
  return {
    registry,
    reconciles,
    reconcileDuration,
    convergenceDuration,
    routeWrites,
    masqueradeWrites,
    refusals,
    conflicts,
    managedRoutes,
  };
}
