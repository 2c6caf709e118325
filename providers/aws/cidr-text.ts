import { formatIp, parseCidr, parseIp } from "../../src/domain/cidr.js";

/**
 * The canonical text of a CIDR that AWS (or a tag key) spelled, e.g. `2001:DB8:0::/64` ->
 * `2001:db8::/64`, because routes are keyed by canonical text everywhere else. Undefined when the
 * text is not a network address at all (a tag key someone typed by hand).
 */
export function canonicalCidrText(text: string): string | undefined {
  const parsed = parseCidr(text);
  if (parsed.ok) return parsed.cidr.text;
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash).trim());
  if (ip === undefined) return undefined;
  const respelled = parseCidr(`${formatIp(ip.family, ip.value)}/${text.slice(slash + 1).trim()}`);
  return respelled.ok ? respelled.cidr.text : undefined;
}

/** True when two address spellings name the same address (AWS and kubelet may differ for IPv6). */
export function isSameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== undefined && y !== undefined && x.family === y.family && x.value === y.value;
}
