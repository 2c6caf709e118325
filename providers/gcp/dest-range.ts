/**
 * Compute displays an IPv6 `destRange` in RFC 5952 compressed form but accepts any RFC 4291
 * spelling (compute.proto, Route.dest_range), and says nothing of case or leading zeros. The
 * provider compares ranges by value, so every listed range is made canonical once, where it
 * enters the provider (client.ts), and compared as text after that.
 */
import { formatIp, parseCidr, parseIp } from "../../src/domain/cidr.js";

/** The canonical text of a destination range; the input unchanged when it is not a CIDR. */
export function canonicalRange(destRange: string): string {
  const [address, length, extra] = destRange.trim().split("/");
  const ip = address === undefined ? undefined : parseIp(address);
  if (ip === undefined || length === undefined || extra !== undefined) return destRange;
  const parsed = parseCidr(`${formatIp(ip.family, ip.value)}/${length}`);
  return parsed.ok ? parsed.cidr.text : destRange;
}
