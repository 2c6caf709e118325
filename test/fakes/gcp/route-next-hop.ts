/**
 * Checks a route's next-hop instance when its insert operation completes, the way Compute Engine
 * reports such problems: in the DONE operation's `error.errors[]` (with `httpErrorStatusCode`)
 * rather than in the insert response. The instance must exist and have an interface in the
 * route's network (https://cloud.google.com/vpc/docs/static-routes#next-hop-instance); an IPv6
 * destination also needs that interface to have an IPv6 address (dual-stack).
 */
import type { FakeEnv } from "./env.js";
import type { ValidRoute } from "./route-validation.js";
import type { OperationFailure } from "./state.js";

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
