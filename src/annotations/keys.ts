/**
 * Annotation names are the user-facing API of the controller: kept in one place so the parser, the
 * "did you mean" suggestions, docs and tests can never disagree about a spelling.
 */

/** Every annotation the controller reads starts with this; any other key under it is a mistake. */
export const annotationPrefix = "vpc-route-sync.io/";

/** The networks a Service asks to have routed to its VPN Pod's node. */
export const cidrsAnnotation = "vpc-route-sync.io/cidrs";

/** Narrows the admin-configured route tables for one Service. */
export const routeTablesAnnotation = "vpc-route-sync.io/route-tables";

/** `keep` (default) or `withdraw`: what happens to routes while no endpoint is ready. */
export const onNoEndpointAnnotation = "vpc-route-sync.io/on-no-endpoint";

/** `true` asks the node agent to MASQUERADE traffic to the Service's CIDRs (the GKE case). */
export const masqueradeAnnotation = "vpc-route-sync.io/masquerade";

/** The complete set, in the order they are documented and suggested. */
export const knownAnnotations: readonly string[] = [
  cidrsAnnotation,
  routeTablesAnnotation,
  onNoEndpointAnnotation,
  masqueradeAnnotation,
];

/**
 * True for keys in our namespace. Case-insensitive on purpose: `Vpc-Route-Sync.io/cidrs` is a
 * typo for one of ours and must be reported, not silently ignored as someone else's annotation.
 */
export function isOurAnnotation(key: string): boolean {
  return key.toLowerCase().startsWith(annotationPrefix);
}
