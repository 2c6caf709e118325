import { TransientError } from "../../src/errors.js";
import { canonicalIp } from "./naming.js";
import type { AzureRoute } from "./port.js";

/** ARM's terminal provisioning states (ARM RPC); any other state means an operation runs. */
const terminalStates = new Set(["succeeded", "failed", "canceled"]);

/** An operation on the route is still running. */
export function isRunning(route: AzureRoute): boolean {
  const state = route.provisioningState;
  return state !== undefined && !terminalStates.has(state.toLowerCase());
}

const hopOf = (route: AzureRoute): string | undefined =>
  route.nextHopIpAddress === undefined ? undefined : canonicalIp(route.nextHopIpAddress);

/** Succeeded (or no state reported) with `nextHop` as its next hop. */
export function isInPlaceWith(route: AzureRoute, nextHop: string): boolean {
  const state = route.provisioningState;
  return (state === undefined || state === "Succeeded") && hopOf(route) === nextHop;
}

/** A PUT whose operation succeeded may still leave a route that is not in place; never trust it. */
export function assertInPlace(route: AzureRoute, resource: string, nextHop: string): void {
  if (isInPlaceWith(route, nextHop)) return;
  throw new TransientError(
    `azure routes.createOrUpdate ${resource}: ARM reports the route in provisioningState ${route.provisioningState ?? "(none)"} with next hop ${hopOf(route) ?? "(none)"}, not Succeeded with ${nextHop}; it will be written again`,
  );
}
