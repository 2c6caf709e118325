/**
 * The routes Compute creates by itself and lists with everyone else's: each network's default
 * route to the internet gateway (`0.0.0.0/0`, priority 1000) and one subnet route per subnet
 * range, primary and secondary (priority 0, next hop the network, routeType `SUBNET`), after
 * https://cloud.google.com/vpc/docs/routes ("System-generated routes") and Route.routeType in
 * compute.proto. Names are `default-route-<hex>` as Compute names them; ids and timestamps are
 * derived from the network, so a listing is stable. Not stored: they cannot be written through
 * the fake (routes.get of one answers 404 here, an assumption of convenience).
 */
import { createHash } from "node:crypto";
import type { FakeEnv } from "./env.js";
import type { RouteRecord } from "./state.js";

function systemRoute(
  project: string,
  network: { path: string; createdAt: Date },
  destRange: string,
  kind: "default" | "subnet",
): RouteRecord {
  const digest = createHash("sha256").update(`${network.path}\n${destRange}`).digest();
  const name = `default-route-${digest.subarray(0, 8).toString("hex")}`;
  return {
    path: `projects/${project}/global/routes/${name}`,
    id: digest.readBigUInt64BE(8).toString(),
    name,
    network: network.path,
    destRange,
    priority: kind === "default" ? 1000 : 0,
    nextHopInstance: undefined,
    nextHopIp: undefined,
    nextHopGateway:
      kind === "default"
        ? `projects/${project}/global/gateways/default-internet-gateway`
        : undefined,
    nextHopNetwork: kind === "subnet" ? network.path : undefined,
    description:
      kind === "default"
        ? "Default route to the Internet."
        : `Default local route to the subnetwork ${destRange}.`,
    tags: [],
    createdAt: network.createdAt,
    routeType: kind === "default" ? "STATIC" : "SUBNET",
  };
}

/** The system routes of every network in `project`, when the fake lists them. */
export function systemRoutes(env: FakeEnv, project: string): RouteRecord[] {
  if (!env.behaviour.systemRoutes) return [];
  const routes: RouteRecord[] = [];
  for (const network of env.state.networks.values()) {
    if (!network.path.startsWith(`projects/${project}/`)) continue;
    if (network.legacyIpv4Range === undefined)
      routes.push(systemRoute(project, network, "0.0.0.0/0", "default"));
    for (const subnet of env.state.subnetworks.values()) {
      if (subnet.network !== network.path) continue;
      const ranges = [subnet.ipCidrRange, ...subnet.secondaryIpRanges.map((r) => r.ipCidrRange)];
      for (const range of ranges) routes.push(systemRoute(project, network, range, "subnet"));
    }
  }
  return routes;
}
