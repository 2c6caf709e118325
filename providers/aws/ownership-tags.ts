import type { Cidr } from "../../src/domain/cidr.js";
import type { RouteOwner } from "../../src/domain/route.js";
import { canonicalCidrText } from "./cidr-text.js";
import type { Ec2Tag } from "./port.js";

/**
 * Ownership records live as route-table tags, one per managed CIDR:
 * `vpc-route-sync.io/route/<canonical cidr>` = `<clusterId>/<namespace>/<name>`.
 * AWS tag keys allow `/` and `:`, so IPv6 CIDRs fit unchanged.
 *
 * AWS allows at most 50 tags per resource, so one route table can hold at most 50 ownership
 * records minus its other tags (`Name`, selector tags...): in practice about 45-48 managed CIDRs
 * per table. Beyond that CreateTags fails with TagLimitExceeded, which is reported as a
 * PermanentError before any route is written (the tag is always written first).
 */
export const ownershipTagPrefix = "vpc-route-sync.io/route/";

/** AWS's per-resource tag limit, which bounds the CIDRs one route table can hold. */
export const maxTagsPerResource = 50;

/** The ownership tag for `cidr`, owned by `owner`. */
export function ownershipTag(cidr: Cidr, owner: RouteOwner): Ec2Tag {
  return { key: `${ownershipTagPrefix}${cidr.text}`, value: `${owner.clusterId}/${owner.service}` };
}

/** Ownership records found on one route table, keyed by canonical CIDR. */
export interface ParsedOwnership {
  readonly owners: ReadonlyMap<string, RouteOwner>;
  /** Tag keys with our prefix whose CIDR part is not a network address; ignored, worth a warning. */
  readonly malformedKeys: readonly string[];
}

/** Reads every ownership record on a route table; other tags are ignored. */
export function parseOwnershipTags(tags: readonly Ec2Tag[]): ParsedOwnership {
  const owners = new Map<string, RouteOwner>();
  const malformedKeys: string[] = [];
  for (const tag of tags) {
    if (!tag.key.startsWith(ownershipTagPrefix)) continue;
    const cidr = canonicalCidrText(tag.key.slice(ownershipTagPrefix.length));
    if (cidr === undefined) {
      malformedKeys.push(tag.key);
      continue;
    }
    owners.set(cidr, parseOwnerValue(tag.value));
  }
  return { owners, malformedKeys };
}

const label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const clusterIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:+=@-]{0,99}$/;

/**
 * Parses a tag value defensively: anything but `<clusterId>/<namespace>/<name>` with valid parts
 * is a foreign owner with clusterId "" (never ours), keeping the raw value for messages.
 */
export function parseOwnerValue(value: string): RouteOwner {
  const parts = value.split("/");
  const [clusterId, namespace, name] = parts;
  if (
    parts.length === 3 &&
    clusterId !== undefined &&
    namespace !== undefined &&
    name !== undefined &&
    clusterIdPattern.test(clusterId) &&
    label.test(namespace) &&
    label.test(name)
  ) {
    return { clusterId, service: `${namespace}/${name}` };
  }
  return { clusterId: "", service: value };
}

/**
 * Why `clusterId` cannot go into a tag value, or undefined when it can: it must be non-empty,
 * at most 100 characters of the AWS tag alphabet, and contain no `/` (the value's separator).
 */
export function clusterIdProblem(clusterId: string): string | undefined {
  if (clusterIdPattern.test(clusterId)) return undefined;
  return `${JSON.stringify(clusterId)} must be 1-100 letters, digits or ._:+=@- (no "/" or spaces), starting with a letter or digit`;
}
