/**
 * Resource references as Compute Engine v1 writes and accepts them. Responses always carry full
 * URLs on `https://www.googleapis.com/compute/v1/` (whatever endpoint was called); requests may
 * use a full URL, `projects/p/...`, or a project-relative partial URL such as
 * `global/networks/default` or `zones/z/instances/i`
 * (https://cloud.google.com/compute/docs/reference/rest/v1#resource-urls).
 */

/** Prefix of every `selfLink` the real API returns. */
export const selfLinkBase = "https://www.googleapis.com/compute/v1/";

const absolutePrefixes = [
  selfLinkBase,
  "https://compute.googleapis.com/compute/v1/",
  "http://www.googleapis.com/compute/v1/",
];

/** The full URL of a resource path (`projects/p/global/routes/r`). */
export function selfLink(path: string): string {
  return `${selfLinkBase}${path}`;
}

/** `json` with every string field that is a resource URL moved to `env.behaviour.urlHost`. */
export function withUrlHost(
  env: { readonly behaviour: { readonly urlHost: string } },
  json: Record<string, unknown>,
): Record<string, unknown> {
  if (env.behaviour.urlHost === "www.googleapis.com") return json;
  const base = `https://${env.behaviour.urlHost}/compute/v1/`;
  return Object.fromEntries(
    Object.entries(json).map(([key, value]) => [
      key,
      typeof value === "string" && value.startsWith(selfLinkBase)
        ? base + value.slice(selfLinkBase.length)
        : value,
    ]),
  );
}

/**
 * Resolves a reference from a request body to a canonical `projects/...` path, or undefined when
 * it is not a reference to the expected collection.
 */
export function resolveReference(
  reference: string,
  project: string,
  collection: RegExp,
): string | undefined {
  let path = reference.trim();
  for (const prefix of absolutePrefixes) {
    if (path.startsWith(prefix)) path = path.slice(prefix.length);
  }
  if (!path.startsWith("projects/")) path = `projects/${project}/${path}`;
  return collection.test(path) ? path : undefined;
}

/** `projects/p/global/networks/n`. */
export const networkPath = /^projects\/[^/]+\/global\/networks\/[^/]+$/;
/** `projects/p/zones/z/instances/i`. */
export const instancePath = /^projects\/[^/]+\/zones\/[^/]+\/instances\/[^/]+$/;

/** The last segment of a path: the resource name. */
export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** RFC 3339 with milliseconds and a numeric offset, as in `creationTimestamp`. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
