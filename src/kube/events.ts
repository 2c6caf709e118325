import type { Clock } from "../clock.js";
import type { ServiceKey } from "../domain/service.js";
import type { Logger } from "../observability/logger.js";
import type { KubeClient } from "./client/client.js";
import { type KubeSource, kubeClientFor } from "./client/client.js";

/** Event type as Kubernetes knows it. */
export type EventType = "Normal" | "Warning";

/** One Event about a Service. */
export interface ServiceEvent {
  readonly service: ServiceKey;
  readonly uid?: string;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/** Sends Events; a port so the reconciler is testable without an API server. */
export interface EventSink {
  emit(event: ServiceEvent): Promise<void>;
}

/**
 * Records core/v1 Events on Services. Identical events within `dedupeWindowMs` are sent once, so
 * a resync every minute does not flood the API server with the same news.
 */
export class KubeEventRecorder implements EventSink {
  private readonly client: KubeClient;
  private readonly recent = new Map<string, number>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly dedupeWindowMs: number;
  private readonly component: string;

  constructor(
    kubeConfig: KubeSource,
    clock: Clock,
    logger: Logger,
    options: { dedupeWindowMs?: number; component?: string } = {},
  ) {
    this.client = kubeClientFor(kubeConfig);
    this.clock = clock;
    this.logger = logger;
    this.dedupeWindowMs = options.dedupeWindowMs ?? 600_000;
    this.component = options.component ?? "vpc-route-sync";
  }

  async emit(event: ServiceEvent): Promise<void> {
    const now = this.clock.monotonicMs();
    const key = `${event.service}|${event.type}|${event.reason}|${event.message}`;
    const last = this.recent.get(key);
    if (last !== undefined && now - last < this.dedupeWindowMs) return;
    this.recent.set(key, now);
    if (this.recent.size > 10_000) this.recent.clear();
    const [namespace = "", name = ""] = event.service.split("/");
    const time = this.clock.wallNow();
    try {
      const body = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { generateName: `${name}.`, namespace },
        involvedObject: { kind: "Service", apiVersion: "v1", namespace, name, uid: event.uid },
        type: event.type,
        reason: event.reason,
        message: event.message.slice(0, 1024),
        source: { component: this.component },
        reportingComponent: this.component,
        firstTimestamp: time.toISOString(),
        lastTimestamp: time.toISOString(),
        count: 1,
      };
      await this.client.create(`/api/v1/namespaces/${namespace}/events`, body, {
        what: `recording event ${event.reason} on service ${event.service}`,
        forbiddenHint: "grant create on events to the controller",
      });
    } catch (error) {
      this.recent.delete(key);
      this.logger.warn(
        { err: error, service: event.service, reason: event.reason },
        "event not recorded",
      );
    }
  }
}
