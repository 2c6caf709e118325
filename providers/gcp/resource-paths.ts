/**
 * Compute Engine references in the forms the provider meets: `spec.providerID`
 * (`gce://<project>/<zone>/<instance>`, set by the GCE cloud provider / GKE), full resource URLs
 * (`https://www.googleapis.com/compute/v1/projects/p/...`, as responses carry them) and the
 * normalized `projects/p/zones/z/instances/i` used as RouteTarget id, so resolveTarget and
 * listTables agree whatever URL host the API used.
 */

/** Prefix Compute Engine puts on every resource URL it returns. */
export const computeUrlBase = "https://www.googleapis.com/compute/v1/";

/** An instance named by project, zone and name. */
export interface InstanceRef {
  readonly project: string;
  readonly zone: string;
  readonly name: string;
}

/** The VPC network whose routes we manage; its project hosts the routes (Shared VPC host). */
export interface NetworkRef {
  readonly project: string;
  readonly name: string;
}

const segment = "[a-z0-9](?:[-a-z0-9.:]*[a-z0-9])?";
const providerIdPattern = new RegExp(`^gce://(${segment})/(${segment})/(${segment})$`);
const instancePathPattern = /(?:^|\/)projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+)$/;

/** Parses `gce://project/zone/instance`; undefined when it is not a GCE provider ID. */
export function parseProviderId(providerId: string): InstanceRef | undefined {
  const match = providerIdPattern.exec(providerId.trim());
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { project: match[1], zone: match[2], name: match[3] };
}

/** `projects/p/zones/z/instances/i`: the RouteTarget id of an instance. */
export function instanceId(ref: InstanceRef): string {
  return `projects/${ref.project}/zones/${ref.zone}/instances/${ref.name}`;
}

/** Normalizes any instance URL or path to its RouteTarget id; undefined when not an instance. */
export function instanceIdOfUrl(url: string): string | undefined {
  const match = instancePathPattern.exec(url);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return instanceId({ project: match[1], zone: match[2], name: match[3] });
}

/** Full URL of an instance, as routes.insert takes `nextHopInstance`. */
export function instanceUrl(id: string): string {
  return `${computeUrlBase}${id}`;
}

/** Parses the `network` option: a bare name in `project`, or `projects/<host>/global/networks/<name>`. */
export function parseNetwork(network: string, project: string): NetworkRef | undefined {
  const path = network.trim().replace(computeUrlBase, "");
  if (/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(path)) return { project, name: path };
  const match = /^projects\/([^/]+)\/global\/networks\/([^/]+)$/.exec(path);
  return match?.[1] && match[2] ? { project: match[1], name: match[2] } : undefined;
}

/** Full URL of a network, as route `network` fields and list filters carry it. */
export function networkUrl(ref: NetworkRef): string {
  return `${computeUrlBase}projects/${ref.project}/global/networks/${ref.name}`;
}

/** `projects/p/.../name` of any URL, for comparing references that may differ in host. */
export function resourcePath(url: string): string {
  const at = url.indexOf("projects/");
  return at < 0 ? url : url.slice(at);
}
