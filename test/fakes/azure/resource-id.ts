/** The parts of an ARM resource id the fake needs to key and describe resources. */
export interface ParsedResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** `Microsoft.Network/routeTables` style type of the last segment pair. */
  readonly type: string;
  readonly name: string;
}

const pattern =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)((?:\/[^/]+\/[^/]+)+)$/i;

/** Parses `/subscriptions/<s>/resourceGroups/<rg>/providers/<ns>/<type>/<name>[/<type>/<name>...]`. */
export function parseResourceId(id: string): ParsedResourceId {
  const match = pattern.exec(id);
  const [, subscriptionId, resourceGroup, namespace, rest] = match ?? [];
  if (!subscriptionId || !resourceGroup || !namespace || !rest) {
    throw new Error(`not an ARM resource id: ${id}`);
  }
  const segments = rest.split("/").slice(1);
  const types = segments.filter((_, i) => i % 2 === 0);
  const name = segments[segments.length - 1] ?? "";
  return { subscriptionId, resourceGroup, type: `${namespace}/${types.join("/")}`, name };
}

/** Case-insensitive key of a resource id, as ARM compares them. */
export function idKey(id: string): string {
  return id.toLowerCase();
}
