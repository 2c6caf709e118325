import type { Clock } from "../../src/clock.js";
import { type IpFamily, parseIp } from "../../src/domain/cidr.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { PermanentError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import { LookupCache } from "../lookup-cache.js";
import type { ResolvedTarget } from "../types.js";
import { chooseInterface, toResolvedTarget } from "./choose-interface.js";
import { collectPages } from "./paginate.js";
import type { Ec2Filter, Ec2Port } from "./port.js";
import { parseAwsProviderId } from "./provider-id.js";

/** Node -> ENI resolution with its cache, owned by one provider instance. */
export interface TargetResolver {
  resolve(node: NodeInfo, family: IpFamily): Promise<ResolvedTarget>;
  /** Drops a node's cached targets, e.g. after a write to its ENI failed with not-found. */
  forgetNode(nodeName: string): void;
  /** Records that forwarding was turned on, so the cached status does not go stale. */
  markForwardingEnabled(eniId: string): void;
}

/** What the resolver needs; `vpcIds` supplies the managed tables' VPCs for the InternalIP lookup. */
export interface TargetResolverDeps {
  readonly port: Ec2Port;
  readonly clock: Clock;
  readonly ttlMs: number;
  readonly manageSourceDestCheck: boolean;
  readonly vpcIds: () => Promise<readonly string[]>;
  readonly logger: Logger;
}

/**
 * Resolves nodes with one filtered DescribeNetworkInterfaces per miss: by `attachment.instance-id`
 * when the providerID names an instance, else by the node's InternalIP within the managed tables'
 * VPCs. Results are cached per (node, providerID, IPs, family), so a changed node is a new key
 * and steady state makes no calls.
 */
export function createTargetResolver(deps: TargetResolverDeps): TargetResolver {
  // Concurrent resolves of one node share one lookup instead of each spending an API call.
  const cache = new LookupCache<ResolvedTarget>(deps.clock, deps.ttlMs);
  const lookupFilters = async (node: NodeInfo): Promise<[Ec2Filter[], string]> => {
    const instance = parseAwsProviderId(node.providerId);
    if (instance !== undefined) {
      return [
        [{ name: "attachment.instance-id", values: [instance.instanceId] }],
        `instance ${instance.instanceId}`,
      ];
    }
    if (node.providerId !== undefined) {
      deps.logger.debug(
        { node: node.name, providerId: node.providerId },
        "providerID names no EC2 instance; looking the node up by InternalIP",
      );
    }
    const v4 = node.internalIps.filter((ip) => parseIp(ip)?.family === 4);
    const v6 = node.internalIps.filter((ip) => parseIp(ip)?.family === 6);
    if (v4.length === 0 && v6.length === 0) {
      throw new PermanentError(
        `node ${node.name} has neither an EC2 providerID nor an InternalIP, so its network interface cannot be found; check the kubelet's --node-ip and --provider-id`,
      );
    }
    const vpcIds = await deps.vpcIds();
    const filters: Ec2Filter[] = [
      v4.length > 0
        ? { name: "addresses.private-ip-address", values: v4 }
        : { name: "ipv6-addresses.ipv6-address", values: v6 },
      ...(vpcIds.length > 0 ? [{ name: "vpc-id", values: vpcIds }] : []),
    ];
    return [filters, `InternalIP ${[...v4, ...v6].join(", ")} in ${vpcIds.join(", ")}`];
  };

  return {
    async resolve(node, family) {
      const key = JSON.stringify([
        node.name,
        node.providerId ?? "",
        [...node.internalIps].sort(),
        family,
      ]);
      return await cache.get(key, async () => {
        const [filters, how] = await lookupFilters(node);
        const enis = await collectPages(deps.port.describeNetworkInterfaces(filters));
        const target = toResolvedTarget(
          node,
          chooseInterface(node, family, enis, how),
          deps.manageSourceDestCheck,
        );
        deps.logger.debug({ node: node.name, family, target: target.description }, "node resolved");
        return target;
      });
    },
    forgetNode(nodeName) {
      cache.deleteWhere((target) => target.nodeName === nodeName);
    },
    markForwardingEnabled(eniId) {
      cache.updateWhere(
        (target) => target.id === eniId,
        (target) => ({ ...target, forwarding: { state: "enabled" } }),
      );
    },
  };
}
