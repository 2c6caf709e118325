/**
 * Paginated, server-side filtered routes.list: the only read of steady state. The filter is the
 * regular-expression form on the network field, `network eq "<.*>/projects/<p>/global/networks/<n>"`
 * (`<.*>` standing for the regex `.*`),
 * because that is the form whose matching Compute documents ("interpreted as a regular
 * expression using RE2 ... must match the entire field", ListRoutesRequest.filter in
 * compute.proto); how `=` compares a URL-valued field (which host, a partial path) is not
 * documented. The regex matches the network's path under any host. Regexes cannot constrain two
 * fields at once, so the CIDR is selected here, by value; and the network is checked again on
 * the answer, so a filter read differently never makes another network's route look ours.
 */
import type { GcpPort, GcpRoute } from "./port.js";
import { type NetworkRef, networkUrl, resourcePath } from "./resource-paths.js";

/** RE2 escaping for a literal (project ids may hold `.` and `:`). */
function literal(text: string): string {
  return text.replace(/[\^$.|?*+()[\]{}]/g, "\\$&");
}

/** The routes.list filter selecting `network`'s routes whatever host its URL is written with. */
export function networkFilter(network: NetworkRef): string {
  return `network eq ".*/${literal(resourcePath(networkUrl(network)))}"`;
}

/** Every route of `network` (its host project), optionally only those for canonical `cidr`. */
export async function listNetworkRoutes(
  port: GcpPort,
  network: NetworkRef,
  cidr?: string,
): Promise<GcpRoute[]> {
  const filter = networkFilter(network);
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
