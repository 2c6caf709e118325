/**
 * The production bundle as the image runs it: the file deploy/Dockerfile's ENTRYPOINT names (in
 * this checkout), started with the image's node flags as a separate process, and esbuild's
 * metafile (deploy/bundle.ts) to tell which sources and packages each output file holds.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Metafile } from "esbuild";
import { imageEnv, imageNodeFlags } from "../../bench/image-node-flags.js";
import { bundleLayout } from "../../deploy/bundle.js";
import { entrypointSource, repoRoot } from "./dockerfile.js";

/** Which bundled inputs belong to each cloud's SDK (metafile paths). */
export const cloudSdk = {
  aws: /^node_modules\/(@aws-sdk|@smithy)\//,
  gcp: /^node_modules\/(@google-cloud|google-gax|google-auth-library|gcp-metadata|@grpc)\//,
  azure: /^node_modules\/@azure\//,
} as const;

/** The bundle's entry file that the image runs, and the metafile of its last build. */
export function shippedBundle(): { entry: string; meta: Metafile } {
  const meta = JSON.parse(readFileSync(join(repoRoot, bundleLayout.metafile), "utf8")) as Metafile;
  return { entry: entrypointSource(), meta };
}

/** An output's path as the metafile keys it (relative to the repository root). */
export const metaKey = (file: string) => relative(repoRoot, file);

/**
 * The output files loaded as soon as `output` is: itself and its static imports, transitively
 * (dynamic imports, the lazily loaded provider chunks, are not followed).
 */
export function staticClosure(meta: Metafile, output: string): Set<string> {
  const seen = new Set<string>();
  const pending = [output];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    const out = meta.outputs[file];
    if (out === undefined) throw new Error(`${file} is not an output of the bundle`);
    seen.add(file);
    for (const i of out.imports)
      if (i.kind === "import-statement" && !i.external) pending.push(i.path);
  }
  return seen;
}

/** Every source file (node_modules paths included) bundled into `outputs`. */
export function inputsOf(meta: Metafile, outputs: Iterable<string>): string[] {
  return [...outputs].flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
}

/** The output whose entry point or dynamically imported module is `source` (e.g. a provider's index.ts). */
export function outputFor(meta: Metafile, source: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === source);
  if (found === undefined) throw new Error(`no bundle output starts at ${source}`);
  return found[0];
}

/** Turns option names into command-line flags (`clusterId` -> `--cluster-id=<value>`). */
export function cliFlags(options: Record<string, unknown>): string[] {
  return Object.entries(options).map(
    ([key, value]) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}=${String(value)}`,
  );
}

/**
 * The command that starts the shipped bundle with the image's node flags, ENV and `args`. With
 * `loadLog`, every module the process loads is appended to that file
 * (test/harness/record-loads.ts, preloaded).
 */
export function bundleCommand(
  args: readonly string[],
  loadLog?: string,
): { command: string; args: string[]; env: Record<string, string> } {
  const preload = join(repoRoot, "dist", "test", "harness", "record-loads.js");
  const recording = loadLog === undefined ? [] : [`--import=${preload}`];
  return {
    command: process.execPath,
    args: [...imageNodeFlags(), ...recording, entrypointSource(), ...args],
    env: { ...imageEnv(), ...(loadLog === undefined ? {} : { VRS_TEST_LOAD_LOG: loadLog }) },
  };
}
