/**
 * Node -> next-hop instance. `spec.providerID` `gce://<project>/<zone>/<instance>` names the
 * instance; its interface in our network must exist (a route's next-hop instance must be
 * attached to the route's network) and, for IPv6 CIDRs, be dual-stack. `canIpForward` decides
 * whether the instance may forward packets not addressed to it; it can only be set when the
 * instance is created, so the fix lives in the node pool's instance template. Results are cached
 * for `cacheTtlMs` so steady state makes no instances.get calls.
 */

import type { Clock } from "../../src/clock.js";
import type { IpFamily } from "../../src/domain/cidr.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { PermanentError } from "../../src/errors.js";
import { LookupCache } from "../lookup-cache.js";
import type { ForwardingStatus, ResolvedTarget } from "../types.js";
import type { GcpInstance, GcpPort } from "./port.js";
import { instanceId, type NetworkRef, parseProviderId, resourcePath } from "./resource-paths.js";

function forwardingOf(instance: GcpInstance, zone: string): ForwardingStatus {
  if (instance.canIpForward) return { state: "enabled" };
  return {
    state: "disabled",
    message:
      `instance ${instance.name} (${zone}) has canIpForward=false, so GCP drops the VPN traffic routed to it; ` +
      "IP forwarding can only be set when an instance is created: enable it in the node pool's instance template " +
      "(canIpForward: true) and recreate the nodes",
  };
}

/**
 * Resolves nodes to instances, with the providers' lookup cache keyed by instance and family:
 * a TTL, eviction of expired entries, and concurrent resolves of one node sharing one
 * instances.get.
 */
export class TargetResolver {
  private readonly cache: LookupCache<ResolvedTarget>;
  private readonly port: GcpPort;
  private readonly network: NetworkRef;

  constructor(port: GcpPort, network: NetworkRef, clock: Clock, ttlMs: number) {
    this.port = port;
    this.network = network;
    this.cache = new LookupCache<ResolvedTarget>(clock, ttlMs);
  }

  /** The instance behind `node`, checked for our network and `family`; cached for the TTL. */
  async resolve(node: NodeInfo, family: IpFamily): Promise<ResolvedTarget> {
    const ref = parseProviderId(node.providerId ?? "");
    if (!ref) {
      throw new PermanentError(
        `node ${node.name} has spec.providerID ${JSON.stringify(node.providerId ?? "")}; expected gce://<project>/<zone>/<instance> (is this node a GCE instance?)`,
      );
    }
    const key = `${instanceId(ref)}|${family}`;
    const target = await this.cache.get(key, () => this.lookup(node, ref, family));
    return { ...target, nodeName: node.name };
  }

  private async lookup(
    node: NodeInfo,
    ref: NonNullable<ReturnType<typeof parseProviderId>>,
    family: IpFamily,
  ): Promise<ResolvedTarget> {
    const instance = await this.port.getInstance(ref.project, ref.zone, ref.name);
    const networkPath = `projects/${this.network.project}/global/networks/${this.network.name}`;
    const nic = instance.networkInterfaces.find((n) => resourcePath(n.network) === networkPath);
    if (!nic) {
      throw new PermanentError(
        `instance ${ref.name} (node ${node.name}) has no network interface in network ${networkPath}; a next-hop instance must be attached to the route's network`,
      );
    }
    if (family === 6 && nic.ipv6Address === undefined) {
      throw new PermanentError(
        `instance ${ref.name} (node ${node.name}) has no IPv6 address in network ${this.network.name}; IPv6 routes need a dual-stack next hop (stackType IPV4_IPV6)`,
      );
    }
    const address = family === 6 ? nic.ipv6Address : nic.networkIP;
    return {
      id: instanceId(ref),
      nodeName: node.name,
      description: `instance ${ref.name} (${ref.zone}, ${address})`,
      forwarding: forwardingOf(instance, ref.zone),
    };
  }
}
