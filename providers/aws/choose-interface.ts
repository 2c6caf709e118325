import { type IpFamily, parseIp } from "../../src/domain/cidr.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { NotFoundError, PermanentError } from "../../src/errors.js";
import type { ForwardingStatus, ResolvedTarget } from "../types.js";
import { isSameIp } from "./cidr-text.js";
import type { Ec2NetworkInterface } from "./port.js";

const familyOf = (ip: string): IpFamily | undefined => parseIp(ip)?.family;
const otherFamily = (family: IpFamily): IpFamily => (family === 4 ? 6 : 4);
const addressesOf = (eni: Ec2NetworkInterface, family: IpFamily) =>
  family === 4 ? eni.privateIps : eni.ipv6Addresses;
const holds = (eni: Ec2NetworkInterface, ip: string) =>
  [...eni.privateIps, ...eni.ipv6Addresses].some((a) => isSameIp(a, ip));

/** The interface a route should point at, and the node address that picked it. */
export interface InterfaceChoice {
  readonly eni: Ec2NetworkInterface;
  readonly address: string;
}

/**
 * Picks the ENI holding the node's InternalIP of `family` (the one kubelet, and so the VPN Pod's
 * traffic, uses). Failing that, the ENI holding its InternalIP of the other family, provided that
 * ENI has an address of `family` too (a single-stack node on a dual-stack ENI). Anything else is
 * a typed error that says what is missing; `lookup` names how the ENIs were found.
 */
export function chooseInterface(
  node: NodeInfo,
  family: IpFamily,
  enis: readonly Ec2NetworkInterface[],
  lookup: string,
): InterfaceChoice {
  if (node.internalIps.length === 0) {
    throw new PermanentError(
      `node ${node.name} reports no InternalIP, so its network interface cannot be chosen; check the kubelet's --node-ip`,
    );
  }
  if (enis.length === 0) {
    throw new NotFoundError(
      `no network interface found for node ${node.name} (${lookup}); the instance may be gone or the node's providerID / InternalIP stale`,
    );
  }
  for (const wanted of [family, otherFamily(family)]) {
    for (const ip of node.internalIps.filter((a) => familyOf(a) === wanted)) {
      const holders = enis.filter((eni) => holds(eni, ip));
      const [eni, second] = holders;
      if (eni === undefined) continue;
      if (second !== undefined) {
        const list = holders.map((e) => `${e.id} in ${e.vpcId ?? "an unknown VPC"}`).join(", ");
        throw new PermanentError(
          `InternalIP ${ip} of node ${node.name} is held by several interfaces (${list}); set the node's spec.providerID, or manage route tables of one VPC only`,
        );
      }
      if (wanted === family) return { eni, address: ip };
      const [address] = addressesOf(eni, family);
      if (address !== undefined) return { eni, address };
      throw new PermanentError(
        `node ${node.name} has no IPv${family} InternalIP and its interface ${eni.id} (holding ${ip}) has no IPv${family} address, so IPv${family} CIDRs cannot be routed to it; ${family === 6 ? `assign an IPv6 address to ${eni.id} (ec2 assign-ipv6-addresses)` : `give ${eni.id} a private IPv4 address`} or do not request IPv${family} CIDRs for this node`,
      );
    }
  }
  throw new NotFoundError(
    `none of the interfaces found for node ${node.name} (${lookup}: ${enis.map((e) => e.id).join(", ")}) holds its InternalIP ${node.internalIps.join(", ")}; the node's addresses may have just changed`,
  );
}

/** Whether the ENI forwards VPN traffic, with the fix spelled out when it does not. */
export function forwardingStatus(
  eni: Ec2NetworkInterface,
  nodeName: string,
  manageSourceDestCheck: boolean,
): ForwardingStatus {
  if (eni.sourceDestCheck === false) return { state: "enabled" };
  if (eni.sourceDestCheck === undefined) {
    return {
      state: "unknown",
      message: `EC2 did not report the source/destination check of ${eni.id} (node ${nodeName})`,
    };
  }
  const fix = manageSourceDestCheck
    ? "the controller turns it off (manageSourceDestCheck is set)"
    : `disable source/destination check on ${eni.id}, or set manageSourceDestCheck`;
  return {
    state: "disabled",
    message: `source/destination check is on for ${eni.id} of node ${nodeName}, so it drops traffic for VPN CIDRs; ${fix}`,
  };
}

/** The resolved target: the ENI id, the node, and `eni-x (i-y, 172.31.0.4)` for messages. */
export function toResolvedTarget(
  node: NodeInfo,
  choice: InterfaceChoice,
  manageSourceDestCheck: boolean,
): ResolvedTarget {
  const { eni, address } = choice;
  const where = eni.instanceId === undefined ? address : `${eni.instanceId}, ${address}`;
  return {
    id: eni.id,
    nodeName: node.name,
    description: `${eni.id} (${where})`,
    forwarding: forwardingStatus(eni, node.name, manageSourceDestCheck),
  };
}
