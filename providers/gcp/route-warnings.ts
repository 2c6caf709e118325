/**
 * Compute keeps a static route whose next-hop instance is missing, stopped or cannot forward,
 * and reports it in the route's `warnings[]` (Route.warnings in compute.proto:
 * NEXT_HOP_INSTANCE_NOT_FOUND, NEXT_HOP_NOT_RUNNING, NEXT_HOP_CANNOT_IP_FORWARD, ...). Such a
 * route is in the table but drops traffic. The provider keeps the warnings of its latest listing
 * and reports them on the target they concern as forwarding `disabled`, which the reconciler
 * already turns into a ForwardingDisabled Event and a False condition for the Service.
 */
import type { ResolvedTarget } from "../types.js";
import { describeNextHop } from "./observe.js";
import type { GcpRoute } from "./port.js";
import { instanceIdOfUrl } from "./resource-paths.js";

const hints: Readonly<Record<string, string>> = {
  NEXT_HOP_INSTANCE_NOT_FOUND:
    "the instance no longer exists; the route follows the VPN Pod once it runs on an existing node",
  NEXT_HOP_NOT_RUNNING: "start the instance, or drain the node so the VPN Pod moves",
  NEXT_HOP_CANNOT_IP_FORWARD:
    "enable canIpForward in the node pool's instance template and recreate the nodes",
};

/** Compute's route warnings from the latest listing, by next-hop instance. */
export class RouteWarnings {
  private byTarget = new Map<string, string[]>();

  /** Replaces what is known with the warnings of a complete listing of the network. */
  remember(routes: readonly GcpRoute[]): void {
    const byTarget = new Map<string, string[]>();
    for (const route of routes) {
      const target = instanceIdOfUrl(route.nextHopInstance ?? "");
      if (target === undefined) continue;
      for (const w of route.warnings) {
        const hint = hints[w.code];
        const text = `Compute warns ${w.code} on route ${route.name} (${route.destRange} to ${describeNextHop(route)}): ${w.message}${hint ? `; ${hint}` : ""}`;
        byTarget.set(target, [...(byTarget.get(target) ?? []), text]);
      }
    }
    this.byTarget = byTarget;
  }

  /** `target`, reported as not forwarding when Compute warned about a route to it. */
  apply(target: ResolvedTarget): ResolvedTarget {
    const warnings = this.byTarget.get(target.id);
    if (warnings === undefined || target.forwarding.state === "disabled") return target;
    return { ...target, forwarding: { state: "disabled", message: warnings.join("; ") } };
  }
}
