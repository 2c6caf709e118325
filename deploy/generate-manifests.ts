/**
 * Renders the Helm chart into the plain manifests under deploy/manifests, so both never drift:
 * `base/` holds every object (or the part of it) the three clouds share, and `overlays/<cloud>/`
 * the rest as kustomize patches plus the controller's `config.yaml`, so that
 * `kustomize build overlays/<cloud>` equals `helm template -f values-<cloud>.yaml` (minus Helm's
 * own labels, plus the Namespace). Run through deploy/generate-manifests.sh, which builds helm.
 *
 * Only node: built-ins and js-yaml are imported, so Node.js 24 runs this file as it is.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dump, load, loadAll } from "js-yaml";

/** The clouds with an example values file and an overlay. */
export const clouds = ["aws", "gcp", "azure"] as const;

/** A cloud with an example values file and an overlay. */
export type Cloud = (typeof clouds)[number];

/** Release name and namespace the plain manifests are rendered for. */
export const release = { name: "vpc-route-sync", namespace: "vpc-route-sync" } as const;

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The chart directory. */
export const chartDir = join(repoRoot, "deploy", "helm", "vpc-route-sync");

/** Where the generated base and overlays go (next to the hand-written files). */
export const manifestsDir = join(repoRoot, "deploy", "manifests");

/** The generated directories under manifestsDir; nothing else there is touched. */
export const generatedDirs = ["base", "overlays"] as const;

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

function isPlainObject(value: unknown): value is Record<string, unknown> {
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
export interface RenderOptions {
  readonly valuesFiles?: readonly string[];
  readonly set?: readonly string[];
  readonly releaseName?: string;
  readonly namespace?: string;
}

/** The `helm template` command line (after the binary) for `options`. */
export function templateArgs(options: RenderOptions): string[] {
  const args = ["template", options.releaseName ?? release.name, chartDir];
  args.push("--namespace", options.namespace ?? release.namespace);
  for (const file of options.valuesFiles ?? []) args.push("--values", file);
  for (const value of options.set ?? []) args.push("--set", value);
  return args;
}

/** `helm template` of the chart; throws with helm's message (e.g. a schema error). */
export function renderChart(helm: string, options: RenderOptions): string {
  return execFileSync(helm, templateArgs(options), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The example values file of `cloud`. */
export const cloudValues = (cloud: Cloud): string => join(chartDir, `values-${cloud}.yaml`);

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

const dropped = Symbol("dropped");

/** What every value shares: equal values, or the common keys of mappings; lists all or nothing. */
function intersect(values: readonly unknown[]): unknown {
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
function difference(full: unknown, base: unknown): unknown {
  if (isDeepEqual(full, base)) return undefined;
  if (!isPlainObject(full) || !isPlainObject(base)) return full;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(full)) {
    const part = key in base ? difference(value, base[key]) : value;
    if (part !== undefined) extra[key] = part;
  }
  return Object.keys(extra).length === 0 ? undefined : extra;
}

/** A file name for an object: kind and name, plus the namespace when it is not the release's. */
function fileName(doc: KubeDocument): string {
  const namespace = doc.metadata.namespace;
  const where = namespace === undefined || namespace === release.namespace ? "" : `-${namespace}`;
  return `${doc.kind.toLowerCase()}-${doc.metadata.name}${where}.yaml`;
}

/** js-yaml options that give the repository's YAML style (what `biome format` writes). */
const yamlStyle = { lineWidth: -1, noRefs: true, quotingType: '"' } as const;

/**
 * The config file in the repository's YAML style, keeping its leading comment; the chart's
 * ConfigMap holds the same values (compared parsed, by the test).
 */
function restyleConfig(text: string): string {
  const comment = text.match(/^(#.*\n)*/)?.[0] ?? "";
  return `${comment}${dump(load(text), yamlStyle)}`;
}

function toYaml(header: string, docs: readonly unknown[]): string {
  const body = docs.map((doc) => dump(doc, yamlStyle)).join("---\n");
  return `${header}\n${body}`;
}

const generatedHeader = (what: string) =>
  `# Generated by deploy/generate-manifests.sh from deploy/helm/vpc-route-sync (${what}).\n# Do not edit: change the chart or its values, then regenerate.`;

/** The Namespace the plain manifests install into; the chart leaves namespaces to Helm. */
export const controllerNamespace: KubeDocument = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name: release.namespace,
    labels: {
      "app.kubernetes.io/name": "vpc-route-sync",
      "app.kubernetes.io/part-of": "vpc-route-sync",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    },
  },
};

/** Name of the controller's ConfigMap (not the release name, which is also the Lease's name). */
export const configMapName = `${release.name}-config`;

/** The chart's controller ConfigMap, which overlays generate from their config.yaml instead. */
const isConfigMap = (doc: KubeDocument) =>
  doc.kind === "ConfigMap" && doc.metadata.name === configMapName;

function configOf(
  docs: readonly KubeDocument[],
  cloud: Cloud,
): { text: string; doc: KubeDocument } {
  const doc = docs.find(isConfigMap);
  const data = doc?.data;
  const text = isPlainObject(data) ? data["config.yaml"] : undefined;
  if (doc === undefined || typeof text !== "string") {
    throw new Error(`the ${cloud} rendering has no ConfigMap ${configMapName} with config.yaml`);
  }
  return { text, doc };
}

/** One cloud's rendering, Helm marks removed. */
interface Rendering {
  readonly cloud: Cloud;
  readonly docs: readonly KubeDocument[];
}

const kustomization = (fields: Record<string, unknown>) => ({
  apiVersion: "kustomize.config.k8s.io/v1beta1",
  kind: "Kustomization",
  ...fields,
});

/** The part of every object that all clouds share, by document key (ConfigMap excluded). */
function sharedObjects(renderings: readonly Rendering[]): Map<string, KubeDocument> {
  const keys = renderings.map(
    (r) => new Set(r.docs.filter((d) => !isConfigMap(d)).map(documentKey)),
  );
  const base = new Map<string, KubeDocument>();
  for (const key of keys[0] ?? []) {
    if (!keys.every((k) => k.has(key))) continue;
    const versions = renderings.map((r) => r.docs.find((d) => documentKey(d) === key));
    base.set(key, intersect(versions) as KubeDocument);
  }
  return base;
}

/** A strategic-merge patch holding what `doc` has beyond `common`, or undefined when nothing. */
function patchFor(doc: KubeDocument, common: KubeDocument): KubeDocument | undefined {
  const extra = difference(doc, common);
  if (extra === undefined) return undefined;
  const { metadata: changedMetadata, ...changed } = extra as Record<string, unknown>;
  const { name, namespace } = doc.metadata;
  return {
    apiVersion: doc.apiVersion,
    kind: doc.kind,
    metadata: {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      ...(isPlainObject(changedMetadata) ? changedMetadata : {}),
    },
    ...changed,
  };
}

function writeBase(base: ReadonlyMap<string, KubeDocument>, files: Map<string, string>): void {
  const header = generatedHeader("shared by every cloud");
  const docs = [controllerNamespace, ...base.values()];
  for (const doc of docs) files.set(`base/${fileName(doc)}`, toYaml(header, [doc]));
  const what = generatedHeader("the part every cloud shares; apply an overlay, not this");
  files.set(
    "base/kustomization.yaml",
    toYaml(what, [kustomization({ resources: docs.map(fileName) })]),
  );
}

function writeOverlay(
  { cloud, docs }: Rendering,
  base: ReadonlyMap<string, KubeDocument>,
  files: Map<string, string>,
): void {
  const header = generatedHeader(`values-${cloud}.yaml`);
  const dir = `overlays/${cloud}`;
  const config = configOf(docs, cloud);
  const resources = ["../../base"];
  const patches: { path: string }[] = [];
  for (const doc of docs.filter((d) => !isConfigMap(d))) {
    const common = base.get(documentKey(doc));
    const own = common === undefined ? doc : patchFor(doc, common);
    if (own === undefined) continue;
    if (common === undefined) resources.push(fileName(doc));
    else patches.push({ path: fileName(doc) });
    files.set(`${dir}/${fileName(doc)}`, toYaml(header, [own]));
  }
  files.set(`${dir}/config.yaml`, restyleConfig(config.text));
  const generator = {
    name: configMapName,
    namespace: release.namespace,
    files: ["config.yaml"],
    options: { labels: config.doc.metadata.labels ?? {} },
  };
  const fields = {
    resources,
    configMapGenerator: [generator],
    ...(patches.length > 0 ? { patches } : {}),
  };
  const note = `${header}\n# Edit config.yaml (the controller's config file) and the patches for your cluster.`;
  files.set(`${dir}/kustomization.yaml`, toYaml(note, [kustomization(fields)]));
}

/**
 * Every generated file, by path relative to deploy/manifests, from one rendering per cloud.
 * `render` is injectable so the test can reuse the renderings it already made.
 */
export function generateManifestFiles(render: (cloud: Cloud) => string): Map<string, string> {
  const renderings = clouds.map((cloud) => ({
    cloud,
    docs: parseDocuments(render(cloud)).map(withoutHelmMarks),
  }));
  const base = sharedObjects(renderings);
  const files = new Map<string, string>();
  writeBase(base, files);
  for (const rendering of renderings) writeOverlay(rendering, base, files);
  return files;
}

/** Every file currently under the generated directories, by path relative to deploy/manifests. */
export function readGeneratedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(manifestsDir, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files.set(path, readFileSync(join(manifestsDir, path), "utf8"));
    }
  };
  for (const dir of generatedDirs) {
    try {
      walk(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return files;
}

/** Replaces the generated directories with a fresh rendering. */
export function writeManifests(helm: string): Map<string, string> {
  const files = generateManifestFiles((cloud) =>
    renderChart(helm, { valuesFiles: [cloudValues(cloud)] }),
  );
  for (const dir of generatedDirs)
    rmSync(join(manifestsDir, dir), { recursive: true, force: true });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(manifestsDir, path)), { recursive: true });
    writeFileSync(join(manifestsDir, path), content);
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const helm = process.argv[2];
  if (helm === undefined) {
    process.stderr.write("usage: node deploy/generate-manifests.ts <path to helm>\n");
    process.exit(2);
  }
  const files = writeManifests(helm);
  process.stdout.write(`wrote ${files.size} files under deploy/manifests/{base,overlays}\n`);
}
