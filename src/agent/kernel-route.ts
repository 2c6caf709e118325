import { type IpFamily, parseCidr } from "../domain/cidr.js";

/** A route as the kernel's main table holds it, reduced to what ownership and diffing need. */
export interface KernelRoute {
  readonly family: IpFamily;
  /** Canonical CIDR text (`10.8.0.0/24`, `fd08::/64`); host routes get their /32 or /128. */
  readonly dst: string;
  /** rtnetlink protocol number: who installed the route (our marker, or kernel, boot, bird...). */
  readonly protocol: number;
  /** rtnetlink route type: 1 unicast, 6 blackhole, 7 unreachable... */
  readonly type: number;
  readonly gateway: string | undefined;
  readonly dev: string | undefined;
  readonly metric: number;
  readonly onlink: boolean;
  /** True for a route with several next hops; never one the agent writes. */
  readonly multipath: boolean;
}

/** rtnetlink's RTN_UNICAST: the only type the agent writes. */
export const unicastType = 1;

/** The metric `ip route replace` uses when none is given: the one the agent's routes carry. */
export function defaultMetric(family: IpFamily): number {
  return family === 4 ? 0 : 1024;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function number(value: unknown, fallback: number): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return fallback;
}

function canonicalDst(dst: string, family: IpFamily): string {
  if (dst === "default") return family === 4 ? "0.0.0.0/0" : "::/0";
  const withPrefix = dst.includes("/") ? dst : `${dst}/${family === 4 ? 32 : 128}`;
  const parsed = parseCidr(withPrefix);
  return parsed.ok ? parsed.cidr.text : withPrefix;
}

function parseJson(output: string, what: string): unknown[] {
  const trimmed = output.trim();
  if (trimmed === "") return [];
  const value: unknown = JSON.parse(trimmed);
  if (!Array.isArray(value)) throw new Error(`${what}: expected a JSON array from ip`);
  return value;
}

/**
 * Parses `ip -N -d -json route show table main`. `-N` makes protocol and type numeric and `-d`
 * makes ip print them for every route (without it, ip omits `boot` and `unicast`), so foreign
 * routes can never pass for ours.
 */
export function parseRouteList(output: string, family: IpFamily): KernelRoute[] {
  return parseJson(output, "ip route show").map((item) => {
    const r = record(item);
    const flags = Array.isArray(r.flags) ? r.flags : [];
    return {
      family,
      dst: canonicalDst(text(r.dst) ?? "default", family),
      protocol: number(r.protocol, -1),
      type: number(r.type, unicastType),
      gateway: text(r.gateway),
      dev: text(r.dev),
      metric: number(r.metric, 0),
      onlink: flags.includes("onlink"),
      multipath: Array.isArray(r.nexthops),
    };
  });
}

/** How the kernel would send a packet to one address (`ip -json route get`). */
export interface RouteLookup {
  readonly dev: string | undefined;
  readonly gateway: string | undefined;
  /** True when the address is one of this host's own (a hostNetwork Pod). */
  readonly local: boolean;
}

/** Parses `ip -json route get <address>`. */
export function parseRouteGet(output: string): RouteLookup {
  const first = record(parseJson(output, "ip route get")[0]);
  const type = text(first.type);
  return {
    dev: text(first.dev),
    gateway: text(first.gateway),
    local: type === "local" || type === "2",
  };
}
