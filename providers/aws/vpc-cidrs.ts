import { type Cidr, parseCidr } from "../../src/domain/cidr.js";
import { NotFoundError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import { canonicalCidrText } from "./cidr-text.js";
import { collectPages } from "./paginate.js";
import type { Ec2Port } from "./port.js";

/**
 * Every IPv4 and IPv6 range associated with the given VPCs, in one filtered DescribeVpcs. The
 * planner refuses requested CIDRs overlapping these, so a VPN range can never shadow the VPC's
 * own addresses (secondary CIDRs included).
 */
export async function describeVpcCidrs(
  port: Ec2Port,
  vpcIds: readonly string[],
  logger: Logger,
): Promise<Cidr[]> {
  if (vpcIds.length === 0) return [];
  const vpcs = await collectPages(port.describeVpcs([{ name: "vpc-id", values: vpcIds }]));
  const byText = new Map<string, Cidr>();
  for (const vpc of vpcs) {
    for (const raw of vpc.cidrs) {
      const parsed = parseCidr(canonicalCidrText(raw) ?? raw);
      if (parsed.ok) byText.set(parsed.cidr.text, parsed.cidr);
      else logger.warn({ vpc: vpc.id, cidr: raw }, "VPC range not understood; ignored");
    }
  }
  const missing = vpcIds.filter((id) => !vpcs.some((vpc) => vpc.id === id));
  if (missing.length > 0) {
    // Fail safe: with a VPC's ranges unknown, the overlap check could pass a CIDR it must refuse.
    throw new NotFoundError(
      `VPC ${missing.join(", ")} of the managed route tables was not returned by DescribeVpcs; its ranges are needed to refuse overlapping CIDRs`,
    );
  }
  return [...byText.values()];
}
