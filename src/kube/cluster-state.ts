import {
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1EndpointSlice,
  type V1Service,
} from "@kubernetes/client-node";
import { isOurAnnotation } from "../annotations/keys.js";
import type { Clock } from "../clock.js";
import type { EndpointInfo, ServiceKey } from "../domain/service.js";
import type { Logger } from "../observability/logger.js";
import { type ListResult, SupervisedInformer } from "./informer.js";

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
  readonly endpoints: readonly EndpointInfo[];
}

/** Where to watch and whom to tell. */
export interface ClusterStateOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespaces to watch; `["*"]` watches all. */
  readonly namespaces: readonly string[];
  /** Called with the Service key whenever its record or its endpoints change. */
  readonly onServiceChanged: (key: ServiceKey) => void;
  readonly clock: Clock;
  readonly logger: Logger;
}

const serviceLabel = "kubernetes.io/service-name";

/** Reduces a Service to its record; undefined when it has no vpc-route-sync annotation. */
export function toServiceRecord(svc: V1Service): ServiceRecord | undefined {
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
export function toSliceRecord(slice: V1EndpointSlice): SliceRecord | undefined {
  const serviceName = slice.metadata?.labels?.[serviceLabel];
  if (serviceName === undefined) return undefined;
  return {
    service: `${slice.metadata?.namespace ?? ""}/${serviceName}`,
    endpoints: (slice.endpoints ?? []).flatMap((e) =>
      e.addresses.map((address) => ({
        address,
        nodeName: e.nodeName,
        // Per the EndpointSlice API, an unknown ready condition means ready.
        ready: e.conditions?.ready ?? true,
        terminating: e.conditions?.terminating ?? false,
      })),
    ),
  };
}

const listOf = <K>(items: K[], rv: string | undefined): ListResult<K> => ({
  items,
  resourceVersion: rv ?? "",
});

/**
 * The controller's view of the cluster: annotated Services and EndpointSlices in the allowed
 * namespaces only (so memory does not grow with unrelated objects), reduced to small records.
 */
export class ClusterState {
  private readonly informers: SupervisedInformer<V1Service, ServiceRecord>[] = [];
  private readonly sliceInformers: SupervisedInformer<V1EndpointSlice, SliceRecord>[] = [];
  private readonly slicesByService = new Map<ServiceKey, Map<string, SliceRecord>>();

  constructor(options: ClusterStateOptions) {
    const core = options.kubeConfig.makeApiClient(CoreV1Api);
    const discovery = options.kubeConfig.makeApiClient(DiscoveryV1Api);
    const all = options.namespaces.includes("*");
    const scopes = all ? [undefined] : [...options.namespaces];
    const common = { kubeConfig: options.kubeConfig, clock: options.clock, logger: options.logger };
    for (const ns of scopes) {
      this.informers.push(
        new SupervisedInformer<V1Service, ServiceRecord>({
          ...common,
          name: `services/${ns ?? "*"}`,
          path: ns ? `/api/v1/namespaces/${ns}/services` : "/api/v1/services",
          list: async () => {
            const l = ns
              ? await core.listNamespacedService({ namespace: ns })
              : await core.listServiceForAllNamespaces();
            return listOf(l.items, l.metadata?.resourceVersion);
          },
          transform: toServiceRecord,
          onChange: (key) => options.onServiceChanged(key),
        }),
      );
      this.sliceInformers.push(
        new SupervisedInformer<V1EndpointSlice, SliceRecord>({
          ...common,
          name: `endpointslices/${ns ?? "*"}`,
          path: ns
            ? `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`
            : "/apis/discovery.k8s.io/v1/endpointslices",
          list: async () => {
            const l = ns
              ? await discovery.listNamespacedEndpointSlice({ namespace: ns })
              : await discovery.listEndpointSliceForAllNamespaces();
            return listOf(l.items, l.metadata?.resourceVersion);
          },
          transform: toSliceRecord,
          onChange: (sliceKey, value) => this.indexSlice(sliceKey, value, options.onServiceChanged),
        }),
      );
    }
  }

  private readonly sliceOwner = new Map<string, ServiceKey>();

  private indexSlice(
    sliceKey: string,
    value: SliceRecord | undefined,
    notify: (key: ServiceKey) => void,
  ): void {
    const previous = this.sliceOwner.get(sliceKey);
    if (previous !== undefined && previous !== value?.service) {
      this.slicesByService.get(previous)?.delete(sliceKey);
      if (this.slicesByService.get(previous)?.size === 0) this.slicesByService.delete(previous);
      this.sliceOwner.delete(sliceKey);
      if (this.service(previous)) notify(previous);
    }
    if (value === undefined) return;
    const slices = this.slicesByService.get(value.service) ?? new Map<string, SliceRecord>();
    slices.set(sliceKey, value);
    this.slicesByService.set(value.service, slices);
    this.sliceOwner.set(sliceKey, value.service);
    if (this.service(value.service)) notify(value.service);
  }

  /** Starts every informer; they run until the signal aborts. */
  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([...this.informers, ...this.sliceInformers].map((i) => i.run(signal)));
  }

  /** True once every informer has listed at least once. */
  hasSynced(): boolean {
    return [...this.informers, ...this.sliceInformers].every((i) => i.hasSynced());
  }

  /** True while every informer is synced and watching: the API server is reachable. */
  isLive(): boolean {
    return [...this.informers, ...this.sliceInformers].every((i) => i.isLive());
  }

  /** Annotated Services currently known. */
  services(): ServiceRecord[] {
    return this.informers.flatMap((i) => [...i.values()]);
  }

  service(key: ServiceKey): ServiceRecord | undefined {
    for (const informer of this.informers) {
      const found = informer.get(key);
      if (found) return found;
    }
    return undefined;
  }

  /** All endpoints of a Service across its EndpointSlices. */
  endpointsOf(key: ServiceKey): EndpointInfo[] {
    return [...(this.slicesByService.get(key)?.values() ?? [])].flatMap((s) => s.endpoints);
  }
}
