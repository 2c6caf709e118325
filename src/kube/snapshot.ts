import type { EndpointInfo, ServiceKey } from "../domain/service.js";
import { type KubeSource, kubeClientFor } from "./client/client.js";
import type { KubeEndpointSlice, KubeService } from "./client/types.js";
import {
  type ServiceRecord,
  type SliceRecord,
  toServiceRecord,
  toSliceRecord,
} from "./cluster-state.js";
import { type IgnoredSlice, isTrustedManager } from "./slice-trust.js";

/** A one-shot read of the annotated Services and their endpoints, for the `plan` command. */
export interface StaticSnapshot {
  services(): ServiceRecord[];
  endpointsOf(key: ServiceKey): EndpointInfo[];
  ignoredSlicesOf(key: ServiceKey): IgnoredSlice[];
}

/** Lists Services and EndpointSlices once, in pages (namespaced, or cluster-wide for `["*"]`). */
export async function listClusterSnapshot(
  kubeConfig: KubeSource,
  namespaces: readonly string[],
  trustedManagers: readonly string[],
): Promise<StaticSnapshot> {
  const client = kubeClientFor(kubeConfig);
  const scopes = namespaces.includes("*") ? [undefined] : [...namespaces];
  const services: ServiceRecord[] = [];
  const slices: SliceRecord[] = [];
  for (const namespace of scopes) {
    const prefix = namespace ? `/namespaces/${namespace}` : "";
    const scopeServices: ServiceRecord[] = [];
    const scopeSlices: SliceRecord[] = [];
    await client.list<KubeService>(`/api/v1${prefix}/services`, {
      onItem: (s) => {
        const record = toServiceRecord(s);
        if (record) scopeServices.push(record);
      },
      onRestart: () => scopeServices.splice(0),
    });
    await client.list<KubeEndpointSlice>(`/apis/discovery.k8s.io/v1${prefix}/endpointslices`, {
      onItem: (s) => {
        const record = toSliceRecord(s);
        if (record) scopeSlices.push(record);
      },
      onRestart: () => scopeSlices.splice(0),
    });
    services.push(...scopeServices);
    slices.push(...scopeSlices);
  }
  const trusted = (s: SliceRecord) => isTrustedManager(s.manager, trustedManagers);
  const of = (key: ServiceKey) => slices.filter((s) => s.service === key);
  return {
    services: () => services,
    endpointsOf: (key) =>
      of(key)
        .filter(trusted)
        .flatMap((s) => s.endpoints),
    ignoredSlicesOf: (key) => of(key).filter((s) => !trusted(s)),
  };
}
