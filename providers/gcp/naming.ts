/**
 * Ownership of GCP routes, which are immutable and have no labels: a deterministic name
 * `vrs-<cluster slug>-<hash>` (valid RFC 1035, at most 63 characters) plus a description marker
 * `vpc-route-sync:v1 cluster=<id> service=<ns>/<name> cidr=<cidr>`. A route counts as owned
 * only when both agree (the name has the slug of the marker's cluster, the marker's CIDR is the
 * route's destRange), so a copied description or a look-alike name never makes a route ours.
 * The hash covers cluster, CIDR, target and Service: a new target or a new owning Service means
 * a new route (make-before-break), never an in-place edit, which GCP does not offer.
 */
import { createHash } from "node:crypto";
import type { RouteOwner } from "../../src/domain/route.js";

/** Version tag at the start of every description we write. */
export const markerPrefix = "vpc-route-sync:v1";
const namePrefix = "vrs-";
const hashLength = 12;
const maxNameLength = 63;

/** The cluster id as it may appear in a route name: lower-case RFC 1035 characters, bounded. */
export function clusterSlug(clusterId: string): string {
  const room = maxNameLength - namePrefix.length - 1 - hashLength;
  const slug = clusterId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, room)
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "x" : slug;
}

/** The route name for this cluster, CIDR, target and owning Service; stable across restarts. */
export function routeName(owner: RouteOwner, cidr: string, targetId: string): string {
  const digest = createHash("sha256")
    .update([owner.clusterId, cidr, targetId, owner.service].join("\n"))
    .digest("hex")
    .slice(0, hashLength);
  return `${namePrefix}${clusterSlug(owner.clusterId)}-${digest}`;
}

/** The description marker recording the owner; values never contain spaces. */
export function ownerDescription(owner: RouteOwner, cidr: string): string {
  return `${markerPrefix} cluster=${owner.clusterId} service=${owner.service} cidr=${cidr}`;
}

const markerPattern = /^vpc-route-sync:v1 cluster=(\S+) service=([^\s/]+\/[^\s/]+) cidr=(\S+)$/;

/**
 * The owner recorded on a route, of any cluster; undefined for a foreign route (no marker, a
 * malformed one, or a name / CIDR that does not match the marker).
 */
export function parseOwner(route: {
  readonly name: string;
  readonly description: string;
  readonly destRange: string;
}): RouteOwner | undefined {
  const match = markerPattern.exec(route.description.trim());
  if (!match) return undefined;
  const [, clusterId, service, cidr] = match;
  if (clusterId === undefined || service === undefined || cidr !== route.destRange)
    return undefined;
  if (!route.name.startsWith(`${namePrefix}${clusterSlug(clusterId)}-`)) return undefined;
  return { clusterId, service };
}

/**
 * A name-based UUID (RFC 4122 version 5, SHA-1) for `requestId`: the same write retried gets the
 * same id, so Compute Engine returns the original operation instead of acting twice.
 */
export function requestId(...parts: readonly string[]): string {
  const bytes = createHash("sha1")
    .update(`vpc-route-sync\n${parts.join("\n")}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
