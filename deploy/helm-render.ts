/**
 * The Helm chart and how it is rendered: the clouds it has example values for, the release the
 * plain manifests are rendered as, and `helm template` itself.
 *
 * Only node: built-ins are imported, so Node.js 24 runs this file as it is.
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
