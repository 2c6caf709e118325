import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CallObserver } from "../domain/calls.js";

/** Every metric the controller exports, on one registry per process. */
export interface Metrics {
  readonly registry: Registry;
  readonly reconciles: Counter<"result">;
  readonly reconcileDuration: Histogram;
  readonly convergenceDuration: Histogram;
  readonly routeWrites: Counter<"provider" | "action" | "result">;
  readonly cloudCalls: Counter<"provider" | "operation" | "outcome">;
  readonly cloudThrottles: Counter<"provider">;
  readonly conflicts: Counter;
  readonly refusals: Counter<"reason">;
  readonly leader: Gauge;
  readonly drift: Gauge;
  readonly managedRoutes: Gauge;
  /** Adapter that counts provider calls into `cloudCalls` / `cloudThrottles`. */
  readonly callObserver: CallObserver;
}

const refusalReasons = [
  "InvalidAnnotation",
  "CidrNotAllowed",
  "RouteConflict",
  "NamespaceNotAllowed",
];

/**
 * Creates the metrics with every known series initialised to 0, so dashboards and alerts see a
 * series before the first event (as controller-runtime's initMetrics does).
 */
export function createMetrics(
  provider: string,
  options: { defaultMetrics?: boolean } = {},
): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: "vpc_route_sync_process_" });
  const reconciles = new Counter({
    name: "vpc_route_sync_reconciles_total",
    help: "Reconcile passes by result (success, error, skipped).",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  for (const result of ["success", "error", "skipped"]) reconciles.inc({ result }, 0);
  const reconcileDuration = new Histogram({
    name: "vpc_route_sync_reconcile_duration_seconds",
    help: "Duration of one reconcile pass (observe, plan, apply).",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const convergenceDuration = new Histogram({
    name: "vpc_route_sync_convergence_duration_seconds",
    help: "Time from a Service or endpoint change being observed to every route write for it being applied.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const routeWrites = new Counter({
    name: "vpc_route_sync_route_writes_total",
    help: "Route writes by provider, action (create, replace, delete) and result (ok, error).",
    labelNames: ["provider", "action", "result"] as const,
    registers: [registry],
  });
  for (const action of ["create", "replace", "delete"]) {
    for (const result of ["ok", "error"]) routeWrites.inc({ provider, action, result }, 0);
  }
  const cloudCalls = new Counter({
    name: "vpc_route_sync_cloud_api_calls_total",
    help: "Cloud API calls by provider, operation and outcome (ok, throttled, error).",
    labelNames: ["provider", "operation", "outcome"] as const,
    registers: [registry],
  });
  const cloudThrottles = new Counter({
    name: "vpc_route_sync_cloud_api_throttles_total",
    help: "Cloud API calls answered with throttling.",
    labelNames: ["provider"] as const,
    registers: [registry],
  });
  cloudThrottles.inc({ provider }, 0);
  const conflicts = new Counter({
    name: "vpc_route_sync_conflicts_total",
    help: "Route conflicts found: a requested route exists and is not owned by this cluster.",
    registers: [registry],
  });
  const refusals = new Counter({
    name: "vpc_route_sync_refusals_total",
    help: "Requests refused before any cloud call, by reason.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  for (const reason of refusalReasons) refusals.inc({ reason }, 0);
  const leader = new Gauge({
    name: "vpc_route_sync_leader",
    help: "1 while this process holds the leader lease and may write to the cloud.",
    registers: [registry],
  });
  const drift = new Gauge({
    name: "vpc_route_sync_drift_routes",
    help: "Route writes the last plan needed (in dry-run: writes that are pending).",
    registers: [registry],
  });
  const managedRoutes = new Gauge({
    name: "vpc_route_sync_managed_routes",
    help: "Routes owned by this cluster in the managed route tables.",
    registers: [registry],
  });
  const callObserver: CallObserver = {
    onCall(p, operation, outcome) {
      cloudCalls.inc({ provider: p, operation, outcome });
      if (outcome === "throttled") cloudThrottles.inc({ provider: p });
    },
  };
  return {
    registry,
    reconciles,
    reconcileDuration,
    convergenceDuration,
    routeWrites,
    cloudCalls,
    cloudThrottles,
    conflicts,
    refusals,
    leader,
    drift,
    managedRoutes,
    callObserver,
  };
}
