/**
 * Paginated, server-side filtered routes.list: the only read of steady state. Filters use the
 * AIP-160 form of the v1 `filter` parameter (`(network = "<url>") (destRange = "<cidr>")`), so
 * the project's other networks never cross the wire. The same conditions are checked again on
 * the answer: a filter the server read differently must never make another network's route
 * look like one of ours to delete.
 */
import type { GcpPort, GcpRoute } from "./port.js";
import { type NetworkRef, networkUrl, resourcePath } from "./resource-paths.js";

/** Every route of `network` (its host project), optionally only those for `cidr`. */
export async function listNetworkRoutes(
  port: GcpPort,
  network: NetworkRef,
  cidr?: string,
): Promise<GcpRoute[]> {
  const filter =
    cidr === undefined
      ? `network = "${networkUrl(network)}"`
      : `(network = "${networkUrl(network)}") (destRange = "${cidr}")`;
  const routes: GcpRoute[] = [];
  let pageToken: string | undefined;
  do {
    const page = await port.listRoutes(network.project, filter, pageToken);
    routes.push(...page.routes);
    pageToken = page.nextPageToken;
  } while (pageToken);
  const path = resourcePath(networkUrl(network));
  return routes.filter(
    (r) => resourcePath(r.network) === path && (cidr === undefined || r.destRange === cidr),
  );
}
