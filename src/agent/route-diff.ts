import { parseIp } from "../domain/cidr.js";
import type { ServiceKey } from "../domain/service.js";
import type { RouteSpec } from "./ip-routes.js";
import { defaultMetric, type KernelRoute, unicastType } from "./kernel-route.js";

/** A route this node should have, with the Service that asked for it. */
export interface DesiredKernelRoute extends RouteSpec {
  readonly service: ServiceKey;
}

/** One decision about the kernel table; only `replace` and `delete` write. */
export type RouteStep =
  | {
      readonly kind: "replace";
      readonly spec: DesiredKernelRoute;
      readonly current: KernelRoute | undefined;
      readonly reason: string;
    }
  | { readonly kind: "delete"; readonly route: KernelRoute; readonly reason: string }
  | { readonly kind: "keep"; readonly dst: string; readonly reason: string }
  | {
      readonly kind: "conflict";
      readonly dst: string;
      readonly service: ServiceKey;
      readonly foreign: readonly KernelRoute[];
      readonly reason: string;
    };

/** Inputs of the kernel diff. */
export interface RouteDiffInput {
  readonly desired: readonly DesiredKernelRoute[];
  /** Every route of the main table (both families), ours and foreign. */
  readonly observed: readonly KernelRoute[];
  readonly protocol: number;
  /** CIDRs whose routes of ours stay exactly as they are. */
  readonly held: ReadonlyMap<string, string>;
  /** Remove nothing (a broken Service's CIDRs are unknown). */
  readonly keepUnknown: boolean;
}

const sameIp = (a: string | undefined, b: string): boolean =>
  a !== undefined && parseIp(a)?.value === parseIp(b)?.value;

/** True when the kernel route is exactly what the agent would have written for `spec`. */
export function matchesSpec(route: KernelRoute, spec: RouteSpec): boolean {
  return (
    route.type === unicastType &&
    !route.multipath &&
    route.metric === defaultMetric(spec.family) &&
    sameIp(route.gateway, spec.gateway) &&
    (spec.dev === undefined || route.dev === spec.dev) &&
    (!spec.onlink || route.onlink)
  );
}

const describe = (r: KernelRoute): string =>
  `${r.type === unicastType ? "" : `type ${r.type} `}${r.gateway ? `via ${r.gateway} ` : ""}${r.dev ? `dev ${r.dev} ` : ""}proto ${r.protocol} metric ${r.metric}`.trim();

/**
 * Compares the desired routes with the kernel's table. A route for a requested CIDR installed by
 * anyone else (another protocol) is a conflict and is never overwritten; routes of ours that are
 * wrong are replaced (one atomic `ip route replace`), extra or unwanted ones deleted, except
 * those held. Replaces come before deletes, so a move never leaves a gap.
 */
export function diffKernelRoutes(input: RouteDiffInput): RouteStep[] {
  const byDst = new Map<string, KernelRoute[]>();
  for (const route of input.observed) {
    const key = `${route.family}|${route.dst}`;
    byDst.set(key, [...(byDst.get(key) ?? []), route]);
  }
  const ours = (routes: readonly KernelRoute[]) =>
    routes.filter((r) => r.protocol === input.protocol);
  const writes: RouteStep[] = [];
  const deletes: RouteStep[] = [];
  const others: RouteStep[] = [];
  const wanted = new Set<string>();
  for (const spec of input.desired) {
    const key = `${spec.family}|${spec.dst}`;
    wanted.add(key);
    const present = byDst.get(key) ?? [];
    const foreign = present.filter((r) => r.protocol !== input.protocol);
    if (foreign.length > 0) {
      others.push({
        kind: "conflict",
        dst: spec.dst,
        service: spec.service,
        foreign,
        reason: `a route for ${spec.dst} (${foreign.map(describe).join("; ")}) was not installed by vpc-route-sync; it is never touched, remove it to let the agent route ${spec.dst}`,
      });
      continue;
    }
    const mine = ours(present);
    const match = mine.find((r) => matchesSpec(r, spec));
    if (match === undefined) {
      const current = mine.find((r) => r.metric === defaultMetric(spec.family));
      writes.push({
        kind: "replace",
        spec,
        current,
        reason: current === undefined ? "no route yet" : `route was ${describe(current)}`,
      });
    } else {
      others.push({ kind: "keep", dst: spec.dst, reason: "route is as desired" });
    }
    for (const extra of mine) {
      if (extra === match || extra.metric === defaultMetric(spec.family)) continue;
      deletes.push({ kind: "delete", route: extra, reason: "duplicate of the desired route" });
    }
  }
  for (const [key, routes] of byDst) {
    if (wanted.has(key)) continue;
    for (const route of ours(routes)) {
      const heldReason = input.held.get(route.dst);
      if (heldReason !== undefined || input.keepUnknown) {
        const reason = heldReason ?? "a broken Service's CIDRs are unknown; removing nothing";
        others.push({ kind: "keep", dst: route.dst, reason });
        continue;
      }
      deletes.push({ kind: "delete", route, reason: "no Service asks for it any more" });
    }
  }
  return [...writes, ...deletes, ...others];
}
