import { type Cidr, formatIp, parseCidr, parseIp } from "../../src/domain/cidr.js";

/**
 * Route names and ownership-tag keys are both `vrs-<clusterId>-<cidr>` with `.`, `:` and `/`
 * written as `-` (`vrs-prod-10-8-0-0-24`). Azure route names allow 80 characters of
 * `[A-Za-z0-9_.-]`, and the longest IPv6 CIDR encodes to 43, hence the cluster id limit.
 * The key is also a valid tag name: no `<>%&\?/`, far below 512 characters.
 */
export const routeNamePrefix = "vrs-";

/** The longest cluster id whose route names still fit Azure's 80-character limit. */
export const maxClusterIdLength = 80 - routeNamePrefix.length - 1 - 43;

const clusterIdPattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** A message naming the problem with `clusterId`, or undefined when it can name Azure routes. */
export function clusterIdProblem(clusterId: string): string | undefined {
  if (clusterId.length > maxClusterIdLength || !clusterIdPattern.test(clusterId)) {
    return `clusterId ${JSON.stringify(clusterId)} cannot be used in Azure route names; use 1-${maxClusterIdLength} lower-case letters, digits and inner hyphens`;
  }
  return undefined;
}

/** The CIDR as route names carry it: `10.8.0.0/24` -> `10-8-0-0-24`, `fd00::/64` -> `fd00---64`. */
export function encodeCidr(cidr: string): string {
  return cidr.toLowerCase().replace(/[.:/]/g, "-");
}

/** Reverses `encodeCidr`; undefined unless the text is exactly the encoding of a canonical CIDR. */
export function decodeCidr(encoded: string): Cidr | undefined {
  const groups = encoded.toLowerCase().split("-");
  const prefix = groups.pop();
  if (prefix === undefined || groups.length < 2) return undefined;
  const isV4 = groups.length === 4 && groups.every((g) => /^\d{1,3}$/.test(g));
  const text = `${groups.join(isV4 ? "." : ":")}/${prefix}`;
  const parsed = parseCidr(text);
  return parsed.ok && encodeCidr(parsed.cidr.text) === encoded.toLowerCase()
    ? parsed.cidr
    : undefined;
}

/** The name of the route this cluster keeps for `cidr`. */
export function routeNameFor(clusterId: string, cidr: Cidr): string {
  return `${routeNamePrefix}${clusterId}-${encodeCidr(cidr.text)}`;
}

/**
 * The cluster whose naming scheme produced `routeName` for `cidr`, or undefined for any other
 * name (a foreign route). Knowing the CIDR makes this unambiguous even for hyphenated ids.
 */
export function clusterOfRouteName(routeName: string, cidr: Cidr): string | undefined {
  const name = routeName.toLowerCase();
  const suffix = `-${encodeCidr(cidr.text)}`;
  if (!name.startsWith(routeNamePrefix) || !name.endsWith(suffix)) return undefined;
  const cluster = name.slice(routeNamePrefix.length, name.length - suffix.length);
  return cluster === "" ? undefined : cluster;
}

/** The CIDR an ownership tag of `clusterId` records, or undefined for any other key. */
export function cidrOfOwnTag(clusterId: string, tagName: string): Cidr | undefined {
  const own = `${routeNamePrefix}${clusterId}-`;
  const name = tagName.toLowerCase();
  return name.startsWith(own) ? decodeCidr(name.slice(own.length)) : undefined;
}

/**
 * The canonical CIDR of an Azure address prefix, accepting the spellings ARM may echo back
 * (upper-case or uncompressed IPv6); undefined for service tags (`AzureCloud`) or host bits set.
 */
export function canonicalPrefix(addressPrefix: string): Cidr | undefined {
  const [address, length, extra] = addressPrefix.trim().split("/");
  const ip = address === undefined ? undefined : parseIp(address);
  if (ip === undefined || length === undefined || extra !== undefined) return undefined;
  const parsed = parseCidr(`${formatIp(ip.family, ip.value)}/${length}`);
  return parsed.ok ? parsed.cidr : undefined;
}

/** The canonical text of an IP address, or undefined when it is not one. */
export function canonicalIp(address: string): string | undefined {
  const ip = parseIp(address.trim());
  return ip ? formatIp(ip.family, ip.value) : undefined;
}
