import { isOurAnnotation } from "../annotations/keys.js";
import type { Clock } from "../clock.js";
import type { EndpointInfo, ServiceKey } from "../domain/service.js";
import type { Logger } from "../observability/logger.js";
import type { KubeSource } from "./client/client.js";
import type { KubeEndpointSlice, KubeService } from "./client/types.js";
import { SupervisedInformer } from "./informer.js";
import { type IgnoredSlice, isTrustedManager, managedByLabel } from "./slice-trust.js";

/** The part of a Service the controller keeps: identity and its vpc-route-sync annotations. */
export interface ServiceRecord {
  readonly key: ServiceKey;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly createdAt: string;
  readonly generation: number;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The part of an EndpointSlice the controller keeps. */
export interface SliceRecord {
  readonly service: ServiceKey;
  /** `namespace/name`, for Events about it. */
  readonly slice: string;
  /** Who wrote it (`endpointslice.kubernetes.io/managed-by`). */
  readonly manager: string | undefined;
  readonly endpoints: readonly EndpointInfo[];
}

/** Where to watch and whom to tell. */
export interface ClusterStateOptions {
  readonly kubeConfig: KubeSource;
  /** Namespaces to watch; `["*"]` watches all. */
  readonly namespaces: readonly string[];
  /** EndpointSlice managers whose endpoints count (slice-trust.ts). */
  readonly trustedManagers: readonly string[];
  /** Called with the Service key whenever its record or its endpoints change. */
  readonly onServiceChanged: (key: ServiceKey) => void;
  readonly clock: Clock;
  readonly logger: Logger;
}

const serviceLabel = "kubernetes.io/service-name";

/** Reduces a Service to its record; undefined when it has no vpc-route-sync annotation. */
export function toServiceRecord(svc: KubeService): ServiceRecord | undefined {
  const all = svc.metadata?.annotations ?? {};
  const ours = Object.entries(all).filter(([k]) => isOurAnnotation(k));
  if (ours.length === 0) return undefined;
  const namespace = svc.metadata?.namespace ?? "";
  const name = svc.metadata?.name ?? "";
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    uid: svc.metadata?.uid ?? "",
    createdAt: svc.metadata?.creationTimestamp
      ? new Date(svc.metadata.creationTimestamp).toISOString()
      : "",
    generation: svc.metadata?.generation ?? 0,
    annotations: Object.fromEntries(ours),
  };
}

/** Reduces an EndpointSlice to the endpoints target selection needs. */
export function toSliceRecord(slice: KubeEndpointSlice): SliceRecord | undefined {
  const serviceName = slice.metadata?.labels?.[serviceLabel];
  if (serviceName === undefined) return undefined;
  const namespace = slice.metadata?.namespace ?? "";
  return {
    service: `${namespace}/${serviceName}`,
    slice: `${namespace}/${slice.metadata?.name ?? ""}`,
    manager: slice.metadata?.labels?.[managedByLabel],
    endpoints: (slice.endpoints ?? []).flatMap((e) =>
      e.addresses.map((address) => ({
        address,
        nodeName: e.nodeName,
        // Per the EndpointSlice API, an unknown ready condition means ready.
        ready: e.conditions?.ready ?? true,
        terminating: e.conditions?.terminating ?? false,
        // Per the API, an unknown serving condition means the same as ready.
        serving: e.conditions?.serving ?? e.conditions?.ready ?? true,
      })),
    ),
  };
}

/** One watched scope (a namespace, or all): its Services and their EndpointSlices. */
interface Scope {
  readonly services: SupervisedInformer<KubeService, ServiceRecord>;
  readonly slices: SupervisedInformer<KubeEndpointSlice, SliceRecord>;
}

/**
 * The controller's view of the cluster: annotated Services in the allowed namespaces and the
 * EndpointSlices of those Services only, reduced to small records, so memory follows the VPN
 * Services and not the size of the cluster (even with `*`).
 */
export class ClusterState {
  private readonly scopes: Scope[] = [];
  private readonly slicesByService = new Map<ServiceKey, Map<string, SliceRecord>>();
  private readonly sliceOwner = new Map<string, ServiceKey>();
  /** Services that just gained an annotation, hidden until their slices have been listed. */
  private readonly pending = new Map<ServiceKey, number>();
  private readonly notify: (key: ServiceKey) => void;
  private readonly trustedManagers: readonly string[];

  constructor(options: ClusterStateOptions) {
    this.notify = options.onServiceChanged;
    this.trustedManagers = options.trustedManagers;
    const all = options.namespaces.includes("*");
    const common = { kubeConfig: options.kubeConfig, clock: options.clock, logger: options.logger };
    for (const ns of all ? [undefined] : [...options.namespaces]) {
      const slices = new SupervisedInformer<KubeEndpointSlice, SliceRecord>({
        ...common,
        name: `endpointslices/${ns ?? "*"}`,
        path: ns
          ? `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`
          : "/apis/discovery.k8s.io/v1/endpointslices",
        transform: (slice) => {
          const record = toSliceRecord(slice);
          return record && this.isAnnotated(record.service) ? record : undefined;
        },
        onChange: (sliceKey, value) => this.indexSlice(sliceKey, value),
      });
      const services = new SupervisedInformer<KubeService, ServiceRecord>({
        ...common,
        name: `services/${ns ?? "*"}`,
        path: ns ? `/api/v1/namespaces/${ns}/services` : "/api/v1/services",
        transform: toServiceRecord,
        onChange: (key, value, previous) => {
          if (value !== undefined && previous === undefined) this.reveal(key, slices);
          else this.notify(key);
        },
      });
      this.scopes.push({ services, slices });
    }
  }

  /**
   * A Service that just gained an annotation: its slices were not kept until now, so they are
   * listed again before the Service is shown to anyone (no pass sees it without endpoints).
   */
  private reveal(key: ServiceKey, slices: Scope["slices"]): void {
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    void slices.requestRelist().then(() => {
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left > 0) this.pending.set(key, left);
      else this.pending.delete(key);
      this.notify(key);
    });
  }

  private isAnnotated(key: ServiceKey): boolean {
    return this.scopes.some((s) => s.services.get(key) !== undefined);
  }

  private indexSlice(sliceKey: string, value: SliceRecord | undefined): void {
    const previous = this.sliceOwner.get(sliceKey);
    if (previous !== undefined && previous !== value?.service) {
      this.slicesByService.get(previous)?.delete(sliceKey);
      if (this.slicesByService.get(previous)?.size === 0) this.slicesByService.delete(previous);
      this.sliceOwner.delete(sliceKey);
      if (this.service(previous)) this.notify(previous);
    }
    if (value === undefined) return;
    const slices = this.slicesByService.get(value.service) ?? new Map<string, SliceRecord>();
    slices.set(sliceKey, value);
    this.slicesByService.set(value.service, slices);
    this.sliceOwner.set(sliceKey, value.service);
    if (this.service(value.service)) this.notify(value.service);
  }

  /**
   * Starts every informer; they run until the signal aborts. A scope's slices are listed once its
   * Services are, so the first slice list already knows which slices to keep.
   */
  async start(signal: AbortSignal): Promise<void> {
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    await Promise.all(
      this.scopes.map(async ({ services, slices }) => {
        const running = services.run(signal);
        await Promise.race([services.whenSynced(), aborted]);
        await Promise.all([running, slices.run(signal)]);
      }),
    );
  }

  private informers(): { hasSynced(): boolean; isLive(): boolean }[] {
    return this.scopes.flatMap((s) => [s.services, s.slices]);
  }

  /** True once every informer has listed at least once. */
  hasSynced(): boolean {
    return this.informers().every((i) => i.hasSynced());
  }

  /** True while every informer is synced and watching: the API server is reachable. */
  isLive(): boolean {
    return this.informers().every((i) => i.isLive());
  }

  /** Annotated Services currently known (with their endpoints). */
  services(): ServiceRecord[] {
    return this.scopes.flatMap((s) =>
      [...s.services.values()].filter((r) => !this.pending.has(r.key)),
    );
  }

  service(key: ServiceKey): ServiceRecord | undefined {
    if (this.pending.has(key)) return undefined;
    for (const scope of this.scopes) {
      const found = scope.services.get(key);
      if (found) return found;
    }
    return undefined;
  }

  /** All endpoints of a Service across its EndpointSlices written by trusted managers. */
  endpointsOf(key: ServiceKey): EndpointInfo[] {
    return this.slicesOf(key)
      .filter((s) => isTrustedManager(s.manager, this.trustedManagers))
      .flatMap((s) => s.endpoints);
  }

  /** The Service's slices whose endpoints `endpointsOf` leaves out, for Events. */
  ignoredSlicesOf(key: ServiceKey): IgnoredSlice[] {
    return this.slicesOf(key).filter((s) => !isTrustedManager(s.manager, this.trustedManagers));
  }

  private slicesOf(key: ServiceKey): SliceRecord[] {
    return [...(this.slicesByService.get(key)?.values() ?? [])];
  }
}
