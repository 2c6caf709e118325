import type { ServiceNote } from "../domain/plan.js";
import { errorMessage } from "../errors.js";
import type { IpRoutes } from "./ip-routes.js";
import type { NodePlan } from "./plan.js";
import type { DesiredKernelRoute } from "./route-diff.js";

/** The plan's routes as kernel routes, plus CIDRs to hold because the Pod could not be found. */
export interface KernelIntent {
  readonly desired: readonly DesiredKernelRoute[];
  readonly held: ReadonlyMap<string, string>;
  readonly notes: readonly ServiceNote[];
}

/**
 * Turns planned routes into kernel routes. The hop to a local Pod goes `via <pod IP> dev <its
 * interface> onlink`, where the interface is whatever the kernel already uses to reach the Pod
 * (`ip route get`): the bridge with a bridge CNI, the Pod's own veth with a point-to-point CNI,
 * so no CNI-specific knowledge is needed. A Pod the kernel does not reach on-link is not ours to
 * guess about: its CIDRs are held and a note says why. A hostNetwork Pod needs no route at all.
 */
export async function resolveKernelIntent(
  plan: NodePlan,
  routes: IpRoutes,
  nodeName: string,
): Promise<KernelIntent> {
  const desired: DesiredKernelRoute[] = [];
  const held = new Map(plan.held);
  const notes: ServiceNote[] = [];
  const lookups = new Map<string, ReturnType<IpRoutes["lookup"]>>();
  for (const route of plan.routes) {
    const family = route.cidr.family;
    const base = { family, dst: route.cidr.text, gateway: route.gateway, service: route.service };
    if (route.via === "node") {
      desired.push({ ...base, dev: undefined, onlink: false });
      continue;
    }
    let lookup = lookups.get(route.gateway);
    if (lookup === undefined) {
      lookup = routes.lookup(family, route.gateway);
      lookups.set(route.gateway, lookup);
    }
    const hold = (reason: string, message: string) => {
      held.set(route.cidr.text, message);
      notes.push({ service: route.service, reason, message });
    };
    try {
      const found = await lookup;
      if (found.local) continue;
      if (found.gateway !== undefined || found.dev === undefined) {
        hold(
          "PodNotLocal",
          `the VPN Pod address ${route.gateway} is not on-link on node ${nodeName} (the kernel routes it${found.gateway ? ` via ${found.gateway}` : ""}); ${route.cidr.text} is left as it is`,
        );
        continue;
      }
      desired.push({ ...base, dev: found.dev, onlink: true });
    } catch (error) {
      hold(
        "PodInterfaceUnknown",
        `the interface of the VPN Pod ${route.gateway} could not be looked up (${errorMessage(error)}); ${route.cidr.text} is left as it is`,
      );
    }
  }
  return { desired, held, notes };
}
