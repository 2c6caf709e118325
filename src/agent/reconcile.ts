import type { IpFamily } from "../domain/cidr.js";
import type { EndpointInfo, NodeInfo, ServiceKey } from "../domain/service.js";
import { errorMessage } from "../errors.js";
import type { IgnoredSlice } from "../kube/slice-trust.js";
import type { Logger } from "../observability/logger.js";
import { eligibleNodes } from "../planner/target-selection.js";
import type { AgentServiceRecord } from "./intents.js";
import type { IpRoutes } from "./ip-routes.js";
import type { KernelRoute } from "./kernel-route.js";
import { type MasqueradeResult, syncMasquerade } from "./masquerade-sync.js";
import type { AgentMetrics } from "./metrics.js";
import type { NatMasquerade } from "./nat-masquerade.js";
import type { AgentOptions } from "./options.js";
import { type NodePlan, planNodeState, type RememberedService } from "./plan.js";
import { resolveKernelIntent } from "./pod-hop.js";
import { describeStep, reportPass } from "./report.js";
import { diffKernelRoutes, type RouteStep } from "./route-diff.js";

/** The informers' view: annotated Services, their endpoints, and whether the view can be trusted. */
export interface AgentClusterView {
  hasSynced(): boolean;
  isLive(): boolean;
  services(): readonly AgentServiceRecord[];
  /** Endpoints from trusted EndpointSlices only. */
  endpointsOf(key: ServiceKey): readonly EndpointInfo[];
  /** The slices `endpointsOf` left out, reported as Events. */
  ignoredSlicesOf(key: ServiceKey): readonly IgnoredSlice[];
}

/** The settings a pass plans with. */
export type NodeSettings = Omit<
  AgentOptions,
  "resyncIntervalMs" | "kubeconfig" | "http" | "log" | "trustedEndpointSliceManagers"
>;

/** Everything one node's passes need, injected. */
export interface NodeReconcilerDeps {
  readonly settings: NodeSettings;
  readonly cluster: AgentClusterView;
  readonly nodes: {
    get(name: string): Promise<NodeInfo>;
    retainOnly(keep: ReadonlySet<string>): void;
  };
  readonly routes: IpRoutes;
  readonly masquerade: NatMasquerade;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
}

/** A route step with its outcome; `skipped` when the API server went away before it ran. */
export interface StepResult {
  readonly step: RouteStep;
  readonly outcome: "applied" | "failed" | "skipped";
  readonly error?: string;
}

/** Outcome of one pass, for the loop, metrics and tests. */
export interface AgentPassResult {
  readonly status: "success" | "error" | "skipped";
  readonly plan?: NodePlan;
  readonly steps: readonly StepResult[];
  readonly masquerade: readonly MasqueradeResult[];
  readonly reason?: string;
}

/**
 * Reconciles this node's kernel with the cluster: plan (pure), read the kernel, diff, write. It
 * keeps the memory of accepted Services between passes. Nothing is written unless the caches are
 * synced and the API server is reachable, re-checked before every single write.
 */
export class NodeReconciler {
  private remembered: ReadonlyMap<ServiceKey, RememberedService> = new Map();
  private readonly reported = new Set<string>();
  private readonly deps: NodeReconcilerDeps;

  constructor(deps: NodeReconcilerDeps) {
    this.deps = deps;
  }

  async reconcile(): Promise<AgentPassResult> {
    const { cluster, settings, metrics, logger } = this.deps;
    const mayWrite = () => cluster.hasSynced() && cluster.isLive();
    if (!mayWrite()) {
      metrics.reconciles.inc({ result: "skipped" });
      const reason = "caches not synced or API server unreachable";
      logger.info(`node reconcile skipped: ${reason}`);
      return { status: "skipped", steps: [], masquerade: [], reason };
    }
    const started = performance.now();
    const services = cluster.services().map((r) => ({
      ...r,
      endpoints: cluster.endpointsOf(r.key),
      ignoredSlices: cluster.ignoredSlicesOf(r.key),
    }));
    const refused = settings.clusterCidrs.map((cidr) => ({
      cidr,
      why: `overlaps the cluster pod/service CIDR ${cidr.text}`,
    }));
    const plan = planNodeState({
      ...settings,
      masqueradeByDefault: settings.masquerade,
      policy: { ...settings, refused },
      services,
      nodeIps: await this.readNodes(services.flatMap((s) => eligibleNodes(s.endpoints))),
      remembered: this.remembered,
    });
    this.remembered = plan.remembered;
    const intent = await resolveKernelIntent(plan, this.deps.routes, settings.nodeName);
    const observed = (await Promise.all([this.list(4, plan), this.list(6, plan)])).flat();
    const steps = diffKernelRoutes({
      desired: intent.desired,
      observed,
      protocol: settings.routeProtocol,
      held: intent.held,
      keepUnknown: plan.keepUnknown,
    });
    const results: StepResult[] = [];
    for (const step of steps) results.push(await this.run(step, mayWrite));
    const masquerade = (
      await Promise.all(
        ([4, 6] as const).map((family) => syncMasquerade({ ...this.deps, mayWrite }, family, plan)),
      )
    ).filter((m): m is MasqueradeResult => m !== undefined);
    const failed = results.some((r) => r.outcome === "failed") || masquerade.some((m) => !m.ok);
    const skipped = results.some((r) => r.outcome === "skipped");
    const status = failed ? "error" : skipped ? "skipped" : "success";
    metrics.reconciles.inc({ result: status });
    metrics.reconcileDuration.observe((performance.now() - started) / 1000);
    metrics.managedRoutes.set(intent.desired.length);
    metrics.conflicts.set(steps.filter((s) => s.kind === "conflict").length);
    for (const r of plan.refusals) metrics.refusals.inc({ reason: r.reason });
    reportPass(logger, this.reported, { plan, notes: intent.notes, steps });
    return { status, plan, steps: results, masquerade };
  }

  /** InternalIPs of the nodes hosting eligible endpoints; an unreadable node stays unresolved. */
  private async readNodes(names: readonly string[]): Promise<Map<string, readonly string[]>> {
    const wanted = new Set(names);
    this.deps.nodes.retainOnly(wanted);
    const ips = new Map<string, readonly string[]>();
    await Promise.all(
      [...wanted].map(async (name) => {
        try {
          ips.set(name, (await this.deps.nodes.get(name)).internalIps);
        } catch (error) {
          this.deps.logger.warn({ node: name, error: errorMessage(error) }, "node not read");
        }
      }),
    );
    return ips;
  }

  /** Lists one family; a host without IPv6 is fine as long as no IPv6 CIDR is or was wanted. */
  private async list(family: IpFamily, plan: NodePlan): Promise<KernelRoute[]> {
    try {
      return await this.deps.routes.list(family);
    } catch (error) {
      const v6 = [...plan.remembered.values()].some((r) => r.cidrs.some((c) => c.includes(":")));
      if (family === 6 && !v6 && !plan.keepUnknown) {
        this.deps.logger.debug({ err: error }, "IPv6 routes not listed");
        return [];
      }
      throw error;
    }
  }

  private async run(step: RouteStep, mayWrite: () => boolean): Promise<StepResult> {
    if (step.kind !== "replace" && step.kind !== "delete") return { step, outcome: "applied" };
    if (!mayWrite()) return { step, outcome: "skipped", error: "API server unreachable" };
    const { routes, metrics, logger } = this.deps;
    const action = step.kind;
    try {
      if (step.kind === "replace") await routes.replace(step.spec);
      else await routes.remove(step.route);
      metrics.routeWrites.inc({ action, result: "ok" });
      logger.info(describeStep(step), action === "replace" ? "route replaced" : "route deleted");
      return { step, outcome: "applied" };
    } catch (error) {
      metrics.routeWrites.inc({ action, result: "error" });
      logger.error({ ...describeStep(step), err: error }, `route ${action} failed`);
      return { step, outcome: "failed", error: errorMessage(error) };
    }
  }
}
