import type { Clock } from "../clock.js";
import type { ServiceKey } from "../domain/service.js";
import type { Logger } from "../observability/logger.js";
import type { KubeClient } from "./client/client.js";
import { type KubeSource, kubeClientFor } from "./client/client.js";

/** The condition type the controller owns on Service status. */
export const routesProgrammedCondition = "vpc-route-sync.io/RoutesProgrammed";

/** The condition as the reconciler decides it. */
export interface RoutesCondition {
  readonly service: ServiceKey;
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration: number;
}

/** Writes the condition; a port so the reconciler is testable without an API server. */
export interface StatusSink {
  setCondition(condition: RoutesCondition): Promise<void>;
}

/**
 * Server-side-applies only our condition to `status.conditions` (a map list keyed by type), so
 * other controllers' conditions are untouched. Unchanged conditions are not re-sent.
 */
export class KubeStatusWriter implements StatusSink {
  private readonly client: KubeClient;
  private readonly last = new Map<ServiceKey, { key: string; since: Date }>();
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(kubeConfig: KubeSource, clock: Clock, logger: Logger) {
    this.client = kubeClientFor(kubeConfig);
    this.clock = clock;
    this.logger = logger;
  }

  async setCondition(c: RoutesCondition): Promise<void> {
    const key = `${c.status}|${c.reason}|${c.message}|${c.observedGeneration}`;
    const previous = this.last.get(c.service);
    if (previous?.key === key) return;
    const [namespace = "", name = ""] = c.service.split("/");
    const statusChanged = previous === undefined || !previous.key.startsWith(`${c.status}|`);
    const since = statusChanged ? this.clock.wallNow() : previous.since;
    const body = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace },
      status: {
        conditions: [
          {
            type: routesProgrammedCondition,
            status: c.status,
            reason: c.reason,
            message: c.message.slice(0, 32_000),
            observedGeneration: c.observedGeneration,
            lastTransitionTime: since.toISOString(),
          },
        ],
      },
    };
    try {
      await this.client.apply(
        `/api/v1/namespaces/${namespace}/services/${name}/status`,
        body,
        "vpc-route-sync",
        {
          force: true,
          what: `writing the status of service ${c.service}`,
          forbiddenHint: "grant patch on services/status to the controller",
        },
      );
      this.last.set(c.service, { key, since });
    } catch (error) {
      this.logger.warn({ err: error, service: c.service }, "status not written");
    }
  }

  /** Forgets a deleted Service. */
  forget(service: ServiceKey): void {
    this.last.delete(service);
  }
}
