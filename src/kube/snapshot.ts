import { CoreV1Api, DiscoveryV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { EndpointInfo, ServiceKey } from "../domain/service.js";
import {
  type ServiceRecord,
  type SliceRecord,
  toServiceRecord,
  toSliceRecord,
} from "./cluster-state.js";

/** A one-shot read of the annotated Services and their endpoints, for the `plan` command. */
export interface StaticSnapshot {
  services(): ServiceRecord[];
  endpointsOf(key: ServiceKey): EndpointInfo[];
}

/** Lists Services and EndpointSlices once (namespaced, or cluster-wide for `["*"]`). */
export async function listClusterSnapshot(
  kubeConfig: KubeConfig,
  namespaces: readonly string[],
): Promise<StaticSnapshot> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const scopes = namespaces.includes("*") ? [undefined] : [...namespaces];
  const services: ServiceRecord[] = [];
  const slices: SliceRecord[] = [];
  for (const namespace of scopes) {
    const svcList = namespace
      ? await core.listNamespacedService({ namespace })
      : await core.listServiceForAllNamespaces();
    const sliceList = namespace
      ? await discovery.listNamespacedEndpointSlice({ namespace })
      : await discovery.listEndpointSliceForAllNamespaces();
    services.push(...svcList.items.flatMap((s) => toServiceRecord(s) ?? []));
    slices.push(...sliceList.items.flatMap((s) => toSliceRecord(s) ?? []));
  }
  return {
    services: () => services,
    endpointsOf: (key) => slices.filter((s) => s.service === key).flatMap((s) => s.endpoints),
  };
}
