/**
 * Builds the production artifact with esbuild: src/main.ts and everything it imports, node_modules
 * included, as one ESM entry (dist/bundle/main.js) plus chunks. Each provider's dynamic import in
 * providers/registry.ts becomes its own chunk (chunks/aws-*.js, gcp-*.js, azure-*.js), so a
 * controller loads only its own cloud SDK. The image runs this file and needs no node_modules.
 *
 *   node deploy/bundle.ts          (npm run build:bundle)
 *
 * The metafile (inputs per output file) is written beside, not into, the bundle: tests read it to
 * prove that nothing of test/ and no other cloud's SDK is reachable from the entry.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BuildOptions, build, type Metafile } from "esbuild";

/** The repository root, also when this file runs compiled from dist/deploy/. */
const root = join(import.meta.dirname, "..").replace(/\/dist$/, "");

/** Where the bundle and its metafile go, relative to the repository root. */
export const bundleLayout = {
  dir: "dist/bundle",
  entry: "dist/bundle/main.js",
  metafile: "dist/bundle-meta.json",
} as const;

/**
 * CommonJS dependencies bundled into ESM still call `require` for Node.js built-ins; esbuild's
 * shim uses a `require` in scope when there is one, so every output file gets one.
 */
const banner = [
  'import { createRequire as __bundleCreateRequire } from "node:module";',
  "const require = __bundleCreateRequire(import.meta.url);",
].join("\n");

/**
 * How the product is bundled, apart from what and where: exported so that a benchmark measuring
 * what the official clients cost on their own (bench/memory-floor.ts) bundles them exactly alike.
 */
export const bundleOptions = {
  absWorkingDir: root,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22", // package.json engines
  // CommonJS modules read their own location; in ESM output that is the chunk's.
  define: { __dirname: "import.meta.dirname", __filename: "import.meta.filename" },
  banner: { js: banner },
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
} as const satisfies BuildOptions;

/**
 * Bundles `entry` (relative to the repository root) into `dir` afresh with the product's options,
 * as `dir`/main.js plus chunks; returns the metafile.
 */
export async function bundleEntry(entry: string, dir: string): Promise<Metafile> {
  const outdir = join(root, dir);
  await rm(outdir, { recursive: true, force: true });
  const result = await build({ ...bundleOptions, entryPoints: { main: entry }, outdir });
  return result.metafile;
}

/** Builds dist/bundle/ afresh and writes its metafile; returns the metafile. */
export async function buildBundle(): Promise<Metafile> {
  const metafile = await bundleEntry("src/main.ts", bundleLayout.dir);
  await writeFile(join(root, bundleLayout.metafile), JSON.stringify(metafile));
  return metafile;
}

if (import.meta.main) {
  const started = performance.now();
  const metafile = await buildBundle();
  const bytes = Object.values(metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  process.stdout.write(
    `${bundleLayout.entry} and ${Object.keys(metafile.outputs).length - 1} chunks, ${(bytes / 1e6).toFixed(1)} MB, in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
