/**
 * The end-state invariants the resilience tests check on every cloud, read straight from the
 * emulator or fake (never through the controller): every managed table holds exactly one route per
 * requested CIDR, pointing at the right node, with its ownership record; nothing else in the
 * managed range, no ownership record without its route, no owned route without its Service.
 * Each checker returns the problems it found, so "converged" is "no problems".
 */
import { DescribeRouteTablesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { ownershipTagPrefix } from "../../providers/aws/ownership-tags.js";
import { cidrOfOwnTag, routeNameFor } from "../../providers/azure/naming.js";
import { parseOwner } from "../../providers/gcp/naming.js";
import { type Cidr, cidrContains, mustParseCidr, parseCidr } from "../../src/domain/cidr.js";
import type { FakeAzure } from "../fakes/azure/fake-azure.js";
import type { RouteView } from "../fakes/gcp/control.js";

/** One requested route: `cidr` to `target` (ENI id, instance name or next-hop IP) for `service`. */
export interface ExpectedRoute {
  readonly cidr: string;
  readonly target: string;
  /** `namespace/name` of the owning Service. */
  readonly service: string;
}

/** The range the tests request CIDRs from; any route of ours inside it must be expected. */
export const managedRange: Cidr = mustParseCidr("10.8.0.0/16");

const inRange = (text: string | undefined): boolean => {
  const parsed = text === undefined ? undefined : parseCidr(text);
  return parsed?.ok === true && cidrContains(managedRange, parsed.cidr);
};

/** AWS: routes and `vpc-route-sync.io/route/<cidr>` tags of each table. */
export async function awsProblems(
  ec2: EC2Client,
  tableIds: readonly string[],
  clusterId: string,
  expected: readonly ExpectedRoute[],
): Promise<string[]> {
  const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [...tableIds] }));
  const problems: string[] = [];
  for (const id of tableIds) {
    const table = out.RouteTables?.find((t) => t.RouteTableId === id);
    const routes = (table?.Routes ?? []).filter((r) => inRange(r.DestinationCidrBlock));
    const tags = (table?.Tags ?? []).filter((t) => t.Key?.startsWith(ownershipTagPrefix));
    for (const want of expected) {
      const found = routes.filter((r) => r.DestinationCidrBlock === want.cidr);
      const targets = found.map((r) => r.NetworkInterfaceId ?? r.GatewayId ?? "?");
      if (found.length !== 1 || targets[0] !== want.target)
        problems.push(`${id}: ${want.cidr} routes to [${targets.join(", ")}], want ${want.target}`);
      const tag = tags.find((t) => t.Key === `${ownershipTagPrefix}${want.cidr}`);
      if (tag?.Value !== `${clusterId}/${want.service}`)
        problems.push(`${id}: ${want.cidr} ownership tag is ${tag?.Value ?? "missing"}`);
    }
    for (const route of routes) {
      if (!expected.some((w) => w.cidr === route.DestinationCidrBlock))
        problems.push(`${id}: unexpected (orphaned) route ${route.DestinationCidrBlock}`);
    }
    for (const tag of tags) {
      const cidr = tag.Key?.slice(ownershipTagPrefix.length);
      if (!expected.some((w) => w.cidr === cidr))
        problems.push(`${id}: ownership tag ${tag.Key}=${tag.Value} has no requested route`);
    }
  }
  return problems;
}

/** GCP: the network's routes; ours are recognised by name prefix plus description marker. */
export function gcpProblems(
  routes: readonly RouteView[],
  clusterId: string,
  expected: readonly ExpectedRoute[],
): string[] {
  const problems: string[] = [];
  const relevant = routes.filter((r) => inRange(r.destRange));
  for (const want of expected) {
    const found = relevant.filter((r) => r.destRange === want.cidr);
    const targets = found.map((r) => String(r.nextHopInstance ?? "").replace(/^.*\//, ""));
    if (found.length !== 1 || targets[0] !== want.target)
      problems.push(`${want.cidr} routes to [${targets.join(", ")}], want only ${want.target}`);
    for (const route of found) {
      const owner = parseOwner({
        name: route.name,
        description: String(route.description ?? ""),
        destRange: route.destRange,
      });
      if (owner?.clusterId !== clusterId || owner.service !== want.service)
        problems.push(`${want.cidr}: route ${route.name} is not owned by ${want.service}`);
    }
  }
  for (const route of relevant) {
    if (!expected.some((w) => w.cidr === route.destRange))
      problems.push(`unexpected (orphaned) route ${route.name} for ${route.destRange}`);
  }
  return problems;
}

/** Azure: routes of each table (named `vrs-<cluster>-<cidr>`) and the table's ownership tags. */
export function azureProblems(
  fake: FakeAzure,
  tableIds: readonly string[],
  clusterId: string,
  expected: readonly ExpectedRoute[],
): string[] {
  const problems: string[] = [];
  for (const id of tableIds) {
    const table = fake.routeTable(id);
    const short = id.replace(/^.*\//, "");
    const routes = (table?.routes ?? []).filter((r) => inRange(r.addressPrefix));
    const tags = Object.entries(table?.tags ?? {});
    for (const want of expected) {
      const found = routes.filter((r) => r.addressPrefix === want.cidr);
      const hops = found.map((r) => r.nextHopIpAddress ?? r.nextHopType);
      const name = routeNameFor(clusterId, mustParseCidr(want.cidr));
      if (found.length !== 1 || hops[0] !== want.target || found[0]?.name !== name)
        problems.push(`${short}: ${want.cidr} routes to [${hops.join(", ")}], want ${want.target}`);
      const tag = tags.find(([key]) => key.toLowerCase() === name.toLowerCase());
      if (tag?.[1] !== want.service)
        problems.push(`${short}: ${want.cidr} ownership tag is ${tag?.[1] ?? "missing"}`);
    }
    for (const route of routes) {
      if (!expected.some((w) => w.cidr === route.addressPrefix))
        problems.push(`${short}: unexpected (orphaned) route ${route.name}`);
    }
    for (const [key] of tags) {
      const cidr = cidrOfOwnTag(clusterId, key);
      if (cidr !== undefined && !expected.some((w) => w.cidr === cidr.text))
        problems.push(`${short}: ownership tag ${key} has no requested route`);
    }
  }
  return problems;
}
