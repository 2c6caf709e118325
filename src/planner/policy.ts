import { type Cidr, cidrContains, cidrsOverlap, mustParseCidr } from "../domain/cidr.js";
import type { Refusal } from "../domain/plan.js";
import type { ServiceKey } from "../domain/service.js";

/**
 * The admin's authority over which networks may be routed (docs/design.md, safety rules 1-2).
 * Built from the controller's own configuration and the cloud's view of the VPC, never from a
 * Service.
 */
export interface CidrPolicy {
  allowedCidrs: readonly Cidr[];
  minPrefixLength: { v4: number; v6: number };
  /**
   * Networks no request may overlap: the VPC's own CIDRs and the cluster pod/service CIDRs.
   * `why` is the phrase that follows the requested CIDR in the message, naming the range, e.g.
   * "overlaps the VPC CIDR 172.31.0.0/16".
   */
  refused: readonly { cidr: Cidr; why: string }[];
  ipv6Supported: boolean;
}

/** Allowed, or refused with the Event reason and a message that names the CIDR and the fix. */
export type PolicyVerdict =
  | { allowed: true }
  | { allowed: false; reason: "CidrNotAllowed"; message: string };

/**
 * Ranges that are never a VPN network and must never be pointed at a node, whatever the admin
 * allows: hijacking them would break the node itself or every host in the VPC (the link-local
 * range holds the cloud metadata service).
 */
export const reservedCidrs: readonly { cidr: Cidr; why: string }[] = [
  reserved("0.0.0.0/8", "the reserved 'this network' range"),
  reserved("127.0.0.0/8", "the loopback range"),
  reserved("169.254.0.0/16", "the link-local range (cloud metadata service)"),
  reserved("224.0.0.0/4", "the multicast range"),
  reserved("240.0.0.0/4", "the reserved range (including broadcast)"),
  reserved("::/128", "the unspecified IPv6 address"),
  reserved("::1/128", "the IPv6 loopback address"),
  reserved("::ffff:0:0/96", "the IPv4-mapped IPv6 range"),
  reserved("fe80::/10", "the IPv6 link-local range"),
  reserved("ff00::/8", "the IPv6 multicast range"),
];

function reserved(text: string, what: string): { cidr: Cidr; why: string } {
  return { cidr: mustParseCidr(text), why: `overlaps ${what} ${text}` };
}

const shownAllowed = 5;

function refuse(cidr: Cidr, problem: string): PolicyVerdict {
  return {
    allowed: false,
    reason: "CidrNotAllowed",
    message: `vpc-route-sync.io/cidrs: ${cidr.text} ${problem}`,
  };
}

function listAllowed(allowed: readonly Cidr[]): string {
  if (allowed.length === 0) return "(none are configured)";
  const shown = allowed.slice(0, shownAllowed).map((cidr) => cidr.text);
  const more = allowed.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/**
 * Decides whether one requested CIDR may be routed. Checks run from the most fundamental to the
 * most configurable, and the first failure is reported, so the message names the real obstacle
 * (a /0 is "a default route", not "outside the allowlist").
 */
export function checkCidr(cidr: Cidr, policy: CidrPolicy): PolicyVerdict {
  if (cidr.prefix === 0) {
    return refuse(
      cidr,
      "is a default route and is always refused; request only the VPN's own networks, e.g. 10.8.0.0/24",
    );
  }
  if (cidr.family === 6 && !policy.ipv6Supported) {
    return refuse(
      cidr,
      "is an IPv6 network and this provider does not support IPv6 routes; request IPv4 networks only",
    );
  }
  const minimum = cidr.family === 4 ? policy.minPrefixLength.v4 : policy.minPrefixLength.v6;
  if (cidr.prefix < minimum) {
    return refuse(
      cidr,
      `is broader than the minimum prefix length /${minimum}; request /${minimum} or longer networks`,
    );
  }
  for (const entry of [...reservedCidrs, ...policy.refused]) {
    if (cidrsOverlap(cidr, entry.cidr)) {
      return refuse(
        cidr,
        `${entry.why} and is always refused; use a VPN network that does not overlap it`,
      );
    }
  }
  if (!policy.allowedCidrs.some((allowed) => cidrContains(allowed, cidr))) {
    return refuse(
      cidr,
      `is outside the allowed CIDRs ${listAllowed(policy.allowedCidrs)}; ask the cluster admin to add it to allowedCidrs`,
    );
  }
  return { allowed: true };
}

/**
 * Whether Services in `namespace` may request routes at all. `*` is the admin's explicit opt-in to
 * every namespace; otherwise names match exactly (Kubernetes namespace names are case-sensitive
 * lower-case labels, so no folding is done).
 */
export function isNamespaceAllowed(
  namespace: string,
  allowedNamespaces: readonly string[],
): boolean {
  return allowedNamespaces.includes("*") || allowedNamespaces.includes(namespace);
}

/**
 * The refusal of a Service outside the allowed namespaces, or undefined when it may request
 * routes. The controller and the agent both call this, so they refuse exactly the same Services.
 */
export function namespaceRefusal(
  service: ServiceKey,
  namespace: string,
  allowedNamespaces: readonly string[],
): Refusal | undefined {
  if (isNamespaceAllowed(namespace, allowedNamespaces)) return undefined;
  return {
    service,
    reason: "NamespaceNotAllowed",
    message: `namespace ${namespace} is not in allowedNamespaces; ask the cluster admin to allow it`,
  };
}
