import type { Refusal } from "../domain/plan.js";
import type { ServiceKey } from "../domain/service.js";

/** The label the EndpointSlice controller (and any well-behaved other manager) sets. */
export const managedByLabel = "endpointslice.kubernetes.io/managed-by";

/** The value the built-in EndpointSlice controller puts in `managedByLabel`. */
export const endpointSliceControllerName = "endpointslice-controller.k8s.io";

/** An EndpointSlice whose endpoints were not used, and who wrote it. */
export interface IgnoredSlice {
  readonly service: ServiceKey;
  /** `namespace/name` of the slice. */
  readonly slice: string;
  /** Its `managedByLabel`, or undefined when it has none. */
  readonly manager: string | undefined;
}

/**
 * Whether the endpoints of a slice written by `manager` may choose where VPN traffic goes. Only
 * managers the cluster admin listed count (`*` trusts every writer, the pre-0.2 behaviour): anyone
 * who can write EndpointSlices in an allowed namespace could otherwise pick the node and address.
 */
export function isTrustedManager(manager: string | undefined, trusted: readonly string[]): boolean {
  return trusted.includes("*") || (manager !== undefined && trusted.includes(manager));
}

/** The Event that says why a slice's endpoints were ignored and how to trust its writer. */
export function ignoredSliceRefusal(ignored: IgnoredSlice): Refusal {
  const by =
    ignored.manager === undefined
      ? `has no ${managedByLabel} label`
      : `is managed by "${ignored.manager}"`;
  return {
    service: ignored.service,
    reason: "EndpointSliceNotTrusted",
    message: `EndpointSlice ${ignored.slice} ${by}, not by a trusted manager, so its endpoints are ignored; if another controller legitimately manages this Service's slices (a Service without a selector), the cluster admin adds its ${managedByLabel} value to --trusted-endpoint-slice-managers`,
  };
}
