/**
 * Checks a route's next-hop instance when its insert operation completes, the way Compute Engine
 * reports such problems: in the DONE operation's `error.errors[]` (with `httpErrorStatusCode`)
 * rather than in the insert response. The instance must exist and have an interface in the
 * route's network (https://cloud.google.com/vpc/docs/static-routes#next-hop-instance); an IPv6
 * destination also needs that interface to have an IPv6 address (dual-stack).
 */
import type { FakeEnv } from "./env.js";
import type { ValidRoute } from "./route-validation.js";
import type { OperationFailure, RouteRecord } from "./state.js";

function failure(
  status: number,
  statusText: string,
  code: string,
  message: string,
): OperationFailure {
  return { errors: [{ code, message }], httpErrorStatusCode: status, httpErrorMessage: statusText };
}

/** The failure the insert operation ends with, or undefined when the next hop is acceptable. */
export function checkNextHopInstance(
  env: FakeEnv,
  route: ValidRoute,
): OperationFailure | undefined {
  if (route.nextHopInstance === undefined) return undefined;
  const instance = env.state.instances.get(route.nextHopInstance);
  if (!instance) {
    return failure(
      404,
      "NOT FOUND",
      "RESOURCE_NOT_FOUND",
      `The resource '${route.nextHopInstance}' was not found`,
    );
  }
  const nic = instance.networkInterfaces.find((n) => n.network === route.network);
  if (!nic) {
    return failure(
      400,
      "BAD REQUEST",
      "INVALID_USAGE",
      `Next hop instance '${route.nextHopInstance}' has no network interface in network '${route.network}'.`,
    );
  }
  if (route.destRange.includes(":") && nic.ipv6Address === undefined) {
    return failure(
      400,
      "BAD REQUEST",
      "INVALID_USAGE",
      `Next hop instance '${route.nextHopInstance}' must be dual-stack for an IPv6 destination range.`,
    );
  }
  return undefined;
}

/** One entry of a route's `warnings[]`, as Compute renders it. */
export interface RouteWarning {
  readonly code: string;
  readonly message: string;
  readonly data: readonly { readonly key: string; readonly value: string }[];
}

/**
 * The `warnings[]` Compute attaches to a listed route whose next-hop instance has a problem
 * (Route.warnings in compute.proto, codes NEXT_HOP_INSTANCE_NOT_FOUND, NEXT_HOP_CANNOT_IP_FORWARD,
 * NEXT_HOP_NOT_RUNNING): the route stays, and drops traffic until the problem is fixed. The
 * message wording is the fake's own.
 */
export function routeWarnings(env: FakeEnv, route: RouteRecord): RouteWarning[] {
  if (route.nextHopInstance === undefined) return [];
  const data = [{ key: "instance", value: route.nextHopInstance }];
  const instance = env.state.instances.get(route.nextHopInstance);
  const warn = (code: string, message: string): RouteWarning[] => [{ code, message, data }];
  if (!instance)
    return warn(
      "NEXT_HOP_INSTANCE_NOT_FOUND",
      `Next hop instance '${route.nextHopInstance}' does not exist.`,
    );
  if (!instance.canIpForward)
    return warn(
      "NEXT_HOP_CANNOT_IP_FORWARD",
      `Next hop instance '${route.nextHopInstance}' cannot forward IP traffic (canIpForward is false).`,
    );
  if (instance.status !== "RUNNING")
    return warn(
      "NEXT_HOP_NOT_RUNNING",
      `Next hop instance '${route.nextHopInstance}' is not running (status ${instance.status}).`,
    );
  return [];
}
