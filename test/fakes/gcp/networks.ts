/**
 * networks.get and subnetworks aggregatedList / list, following
 * https://cloud.google.com/compute/docs/reference/rest/v1/networks/get (GET
 * `.../global/networks/{network}`), .../v1/subnetworks/aggregatedList (GET
 * `.../aggregated/subnetworks`, `items` keyed by `regions/{region}`, a `NO_RESULTS_ON_PAGE`
 * warning for scopes with nothing to show) and .../v1/subnetworks/list (GET
 * `.../regions/{region}/subnetworks`). Enough for a client to learn a VPC's own CIDRs.
 */

import type { FakeEnv } from "./env.js";
import { type Handler, param } from "./env.js";
import { compileFilter } from "./filter.js";
import { notFound } from "./google-errors.js";
import { paginate } from "./pagination.js";
import { rfc3339, selfLink } from "./resource-urls.js";
import type { NetworkRecord, SubnetworkRecord } from "./state.js";

/** The Network resource as JSON (`compute#network`). */
export function networkJson(env: FakeEnv, network: NetworkRecord): Record<string, unknown> {
  const subnetworks = [...env.state.subnetworks.values()].filter((s) => s.network === network.path);
  return {
    kind: "compute#network",
    id: network.id,
    creationTimestamp: rfc3339(network.createdAt),
    name: network.name,
    selfLink: selfLink(network.path),
    selfLinkWithId: selfLink(network.path.replace(/[^/]+$/, network.id)),
    ...(network.legacyIpv4Range
      ? {
          IPv4Range: network.legacyIpv4Range,
          gatewayIPv4: network.legacyIpv4Range.replace(/\.0\/\d+$/, ".1"),
        }
      : { autoCreateSubnetworks: network.autoCreateSubnetworks }),
    ...(subnetworks.length > 0 ? { subnetworks: subnetworks.map((s) => selfLink(s.path)) } : {}),
    ...(network.internalIpv6Range
      ? { enableUlaInternalIpv6: true, internalIpv6Range: network.internalIpv6Range }
      : {}),
    routingConfig: { routingMode: "REGIONAL" },
    mtu: 1460,
  };
}

/** The Subnetwork resource as JSON (`compute#subnetwork`). */
export function subnetworkJson(subnet: SubnetworkRecord): Record<string, unknown> {
  const project = subnet.path.split("/")[1] ?? "";
  return {
    kind: "compute#subnetwork",
    id: subnet.id,
    creationTimestamp: rfc3339(subnet.createdAt),
    name: subnet.name,
    network: selfLink(subnet.network),
    ipCidrRange: subnet.ipCidrRange,
    gatewayAddress: subnet.ipCidrRange.replace(/\.0\/\d+$/, ".1"),
    region: selfLink(`projects/${project}/regions/${subnet.region}`),
    ...(subnet.secondaryIpRanges.length > 0
      ? { secondaryIpRanges: subnet.secondaryIpRanges.map((r) => ({ ...r })) }
      : {}),
    stackType: subnet.ipv6CidrRange ? "IPV4_IPV6" : "IPV4_ONLY",
    ...(subnet.ipv6CidrRange
      ? { ipv6CidrRange: subnet.ipv6CidrRange, ipv6AccessType: "INTERNAL" }
      : {}),
    purpose: "PRIVATE",
    selfLink: selfLink(subnet.path),
  };
}

/** networks.get. */
export const getNetwork: Handler = (env, request) => {
  const path = `projects/${param(request, "project")}/global/networks/${param(request, "network")}`;
  const network = env.state.networks.get(path);
  if (!network) throw notFound(path);
  return networkJson(env, network);
};

function projectSubnets(env: FakeEnv, project: string, region?: string): Record<string, unknown>[] {
  return [...env.state.subnetworks.values()]
    .filter(
      (s) =>
        s.path.startsWith(`projects/${project}/`) && (region === undefined || s.region === region),
    )
    .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name))
    .map(subnetworkJson);
}

/** subnetworks.aggregatedList: every region of the project, filtered, one map per page. */
export const aggregatedListSubnetworks: Handler = (env, request) => {
  const project = param(request, "project");
  const matches = compileFilter(request.query.get("filter"));
  const page = paginate(projectSubnets(env, project).filter(matches), request.query);
  const regions = new Set([...env.state.subnetworks.values()].map((s) => s.region));
  const items: Record<string, unknown> = {};
  for (const region of [...regions].sort()) {
    const scope = `regions/${region}`;
    const inScope = page.items.filter((s) => String(s.region).endsWith(`/${scope}`));
    items[scope] =
      inScope.length > 0
        ? { subnetworks: inScope }
        : {
            warning: {
              code: "NO_RESULTS_ON_PAGE",
              message: `There are no results for scope '${scope}' on this page.`,
              data: [{ key: "scope", value: scope }],
            },
          };
  }
  const collection = `projects/${project}/aggregated/subnetworks`;
  return {
    kind: "compute#subnetworkAggregatedList",
    id: collection,
    items,
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    selfLink: selfLink(collection),
  };
};

/** subnetworks.list: one region, filtered and paginated. */
export const listSubnetworks: Handler = (env, request) => {
  const project = param(request, "project");
  const region = param(request, "region");
  const matches = compileFilter(request.query.get("filter"));
  const page = paginate(projectSubnets(env, project, region).filter(matches), request.query);
  const collection = `projects/${project}/regions/${region}/subnetworks`;
  return {
    kind: "compute#subnetworkList",
    id: collection,
    ...(page.items.length > 0 ? { items: page.items } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    selfLink: selfLink(collection),
  };
};
