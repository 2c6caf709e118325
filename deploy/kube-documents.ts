/**
 * Kubernetes objects as YAML documents, and the structural operations the manifest generator
 * needs: parsing a stream, dropping Helm-only marks, and splitting objects into the part all
 * renderings share and each one's remainder.
 *
 * Only node: built-ins and js-yaml are imported, so Node.js 24 runs this file as it is.
 */
import { loadAll } from "js-yaml";

/** A Kubernetes object as parsed from YAML. */
export interface KubeDocument {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKubeDocument(value: unknown): value is KubeDocument {
  return (
    isPlainObject(value) &&
    typeof value.apiVersion === "string" &&
    typeof value.kind === "string" &&
    isPlainObject(value.metadata) &&
    typeof value.metadata.name === "string"
  );
}

/** Parses a multi-document YAML stream into objects, dropping empty documents. */
export function parseDocuments(yaml: string): KubeDocument[] {
  return loadAll(yaml).flatMap((doc) => {
    if (doc === null || doc === undefined) return [];
    if (!isKubeDocument(doc)) throw new Error(`not a Kubernetes object: ${JSON.stringify(doc)}`);
    return [doc];
  });
}

/** What to render: values files, `--set` values, and the release's name and namespace. */
const helmOnlyLabels = ["helm.sh/chart", "app.kubernetes.io/managed-by"];

/**
 * Removes what only makes sense under Helm: its labels, and the config checksum that rolls the
 * Deployment on `helm upgrade` (kustomize's hashed ConfigMap name does that job instead).
 */
export function withoutHelmMarks(doc: KubeDocument): KubeDocument {
  const copy = structuredClone(doc);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isPlainObject(node)) return;
    const metadata = node.metadata;
    if (isPlainObject(metadata)) {
      const { labels, annotations } = metadata;
      if (isPlainObject(labels)) for (const key of helmOnlyLabels) delete labels[key];
      if (isPlainObject(annotations)) {
        delete annotations["checksum/config"];
        if (Object.keys(annotations).length === 0) delete metadata.annotations;
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(copy);
  return copy;
}

/** Identity of an object within one rendering. */
export const documentKey = (doc: KubeDocument): string =>
  `${doc.apiVersion}/${doc.kind}/${doc.metadata.namespace ?? ""}/${doc.metadata.name}`;

const isDeepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export const dropped = Symbol("dropped");

/** What every value shares: equal values, or the common keys of mappings; lists all or nothing. */
export function intersect(values: readonly unknown[]): unknown {
  const [first, ...rest] = values;
  if (rest.every((v) => isDeepEqual(v, first))) return first;
  if (!isPlainObject(first) || !rest.every(isPlainObject)) return dropped;
  const shared: Record<string, unknown> = {};
  for (const key of Object.keys(first)) {
    if (!rest.every((v) => isPlainObject(v) && key in v)) continue;
    const value = intersect(values.map((v) => (v as Record<string, unknown>)[key]));
    if (value !== dropped) shared[key] = value;
  }
  return shared;
}

/** What `full` has beyond `base` (base is always a subset), or undefined when nothing. */
export function difference(full: unknown, base: unknown): unknown {
  if (isDeepEqual(full, base)) return undefined;
  if (!isPlainObject(full) || !isPlainObject(base)) return full;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(full)) {
    const part = key in base ? difference(value, base[key]) : value;
    if (part !== undefined) extra[key] = part;
  }
  return Object.keys(extra).length === 0 ? undefined : extra;
}
