/** IP address family of a CIDR or address. */
export type IpFamily = 4 | 6;

/**
 * A canonical network prefix. `text` is the only form routes are keyed by, so two spellings of
 * one network can never become two routes.
 */
export interface Cidr {
  readonly text: string;
  readonly family: IpFamily;
  readonly prefix: number;
  readonly network: bigint;
}

/** Result of parsing user text: a canonical CIDR, or a message that names the input and the fix. */
export type CidrParse =
  | { readonly ok: true; readonly cidr: Cidr }
  | { readonly ok: false; readonly error: string };

const bits = (family: IpFamily): number => (family === 4 ? 32 : 128);

/** Parses an IPv4 or IPv6 address into its family and numeric value; undefined when malformed. */
export function parseIp(input: string): { family: IpFamily; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(input)) {
    let value = 0n;
    for (const part of input.split(".")) {
      if (part.length > 1 && part.startsWith("0")) return undefined;
      const octet = Number(part);
      if (octet > 255) return undefined;
      value = (value << 8n) | BigInt(octet);
    }
    return { family: 4, value };
  }
  if (!/^[0-9a-fA-F:]+$/.test(input) || input.length > 39) return undefined;
  const halves = input.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : (halves[0] ?? "").split(":");
  const tail = halves.length === 2 && halves[1] !== "" ? (halves[1] ?? "").split(":") : [];
  const groups = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if ((halves.length === 2 && groups < 1) || (halves.length === 1 && head.length !== 8))
    return undefined;
  const all = [...head, ...Array<string>(groups).fill("0"), ...tail];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return { family: 6, value };
}

/** Formats an address value in canonical text (dotted quad, or RFC 5952 compressed lower-case). */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((value >> BigInt((7 - i) * 16)) & 0xffffn),
  );
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const left = hex.slice(0, bestStart).join(":");
  const right = hex.slice(bestStart + bestLength).join(":");
  return `${left}::${right}`;
}

function mask(family: IpFamily, prefix: number): bigint {
  const width = BigInt(bits(family));
  return ((1n << width) - 1n) ^ ((1n << (width - BigInt(prefix))) - 1n);
}

/**
 * Parses `address/prefix` strictly: the text must already be the canonical network address, so
 * `10.8.0.1/24` is refused with a message that names `10.8.0.0/24`.
 */
export function parseCidr(input: string): CidrParse {
  const text = input.trim();
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}...` : input);
  const slash = text.indexOf("/");
  if (slash < 0) {
    const ip = parseIp(text);
    const hint = ip ? `; did you mean ${formatIp(ip.family, ip.value)}/${bits(ip.family)}?` : "";
    return {
      ok: false,
      error: `${shown} is not a CIDR (expected address/prefix, e.g. 10.8.0.0/24)${hint}`,
    };
  }
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (ip === undefined) {
    return {
      ok: false,
      error: `${shown} has a malformed address; use an IPv4 or IPv6 network such as 10.8.0.0/24`,
    };
  }
  const width = bits(ip.family);
  if (
    !/^\d{1,3}$/.test(prefixText) ||
    (prefixText.length > 1 && prefixText.startsWith("0")) ||
    Number(prefixText) > width
  ) {
    return {
      ok: false,
      error: `${shown} has an invalid prefix length; use a whole number from 0 to ${width}`,
    };
  }
  const prefix = Number(prefixText);
  const network = ip.value & mask(ip.family, prefix);
  const canonical = `${formatIp(ip.family, network)}/${prefix}`;
  if (network !== ip.value) {
    return { ok: false, error: `${shown} is not a network address; did you mean ${canonical}?` };
  }
  if (canonical !== text) {
    return { ok: false, error: `${shown} is not in canonical form; write it as ${canonical}` };
  }
  return { ok: true, cidr: { text: canonical, family: ip.family, prefix, network } };
}

/** Parses a CIDR that the program itself produced or that is known good; throws on bad input. */
export function mustParseCidr(input: string): Cidr {
  const parsed = parseCidr(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.cidr;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  return (inner.network & mask(outer.family, outer.prefix)) === outer.network;
}

/** True when the two networks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** True when `address` (an IP) lies inside `cidr`. */
export function cidrContainsIp(cidr: Cidr, address: string): boolean {
  const ip = parseIp(address);
  if (ip === undefined || ip.family !== cidr.family) return false;
  return (ip.value & mask(cidr.family, cidr.prefix)) === cidr.network;
}
