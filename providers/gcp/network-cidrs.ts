/**
 * The VPC network's own address space, so requested CIDRs overlapping it are refused: every
 * subnetwork's primary, secondary (GKE pods and services) and IPv6 ranges, from one
 * subnetworks.aggregatedList filtered on the network, plus the network's legacy IPv4 range or
 * internal IPv6 (ULA) range from networks.get. Two calls, cached by the provider.
 */
import { type Cidr, parseCidr } from "../../src/domain/cidr.js";
import type { GcpPort } from "./port.js";
import { type NetworkRef, networkUrl } from "./resource-paths.js";

/** The network's CIDRs, canonical, deduplicated and sorted. */
export async function readNetworkCidrs(port: GcpPort, network: NetworkRef): Promise<Cidr[]> {
  const own = await port.getNetwork(network.project, network.name);
  const subnets = await port.listSubnetworks(network.project, `network = "${networkUrl(network)}"`);
  const texts = [own.ipv4Range, own.internalIpv6Range, ...subnets.flatMap((s) => s.ranges)];
  const cidrs = new Map<string, Cidr>();
  for (const text of texts) {
    const parsed = text === undefined ? undefined : parseCidr(text);
    if (parsed?.ok) cidrs.set(parsed.cidr.text, parsed.cidr);
  }
  return [...cidrs.values()].sort(
    (a, b) =>
      a.family - b.family ||
      (a.network < b.network ? -1 : a.network > b.network ? 1 : a.prefix - b.prefix),
  );
}
