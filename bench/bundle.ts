import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Metafile } from "esbuild";
import { bundleLayout } from "../deploy/bundle.js";
import { outputFor, staticClosure } from "../test/harness/bundle.js";
import { repoRoot } from "../test/harness/dockerfile.js";
import { seedVpc } from "../test/harness/ec2-seed.js";
import { localStackEc2Client } from "../test/harness/localstack.js";
import { findFreePort } from "../test/harness/ports.js";
import { startProcess, waitUntil } from "../test/harness/processes.js";
import { startKubeAndEc2 } from "./environment.js";
import { imageNodeFlags } from "./image-node-flags.js";
import { type BenchResult, writeResult } from "./results.js";
import { type Summary, summarize } from "./stats.js";
import { benchResult, envInt, say, withCleanup } from "./support.js";

const run = promisify(execFile);
const tsc = join(repoRoot, "node_modules", ".bin", "tsc");
const builds = { bundle: bundleLayout.entry, tsc: "dist/src/main.js" } as const;
type Build = keyof typeof builds;
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** Wall time of `body`, in milliseconds. */
async function timed(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

/** Bytes of `files` in the bundle. */
const bytesOf = (meta: Metafile, files: Iterable<string>) =>
  [...files].reduce((sum, f) => sum + (meta.outputs[f]?.bytes ?? 0), 0);

/** Starts `node <image flags> <build> controller` against the AWS world; time to /readyz and RSS. */
async function controllerStart(build: Build, args: string[], logDir: string) {
  const port = await findFreePort();
  const proc = startProcess(
    `controller-${build}`,
    process.execPath,
    [
      ...imageNodeFlags(),
      join(repoRoot, builds[build]),
      "controller",
      ...args,
      `--http-address=127.0.0.1:${port}`,
    ],
    join(logDir, `${build}.log`),
    { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
  );
  try {
    const ms = await timed(() =>
      waitUntil(
        "/readyz",
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
        60_000,
        proc,
      ),
    );
    const status = await readFile(`/proc/${proc.child.pid}/status`, "utf8");
    const rssMb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024;
    return { ms, rssMb };
  } finally {
    await proc.stop();
  }
}

/**
 * The shipped artifact: how long `npm run build:bundle` takes, how big the bundle and each
 * provider's lazily loaded part are, and cold starts of the bundle against the tsc output run
 * from node_modules (`--help`, and an AWS controller to /readyz), both with the image's flags.
 */
export async function benchBundle(): Promise<BenchResult> {
  const started = Date.now();
  const runs = envInt("BENCH_BUNDLE_RUNS", 10);
  say("building the bundle and, for comparison, dist/ with tsc, 3 times each ...");
  const buildMs: number[] = [];
  const tscMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    buildMs.push(await timed(() => run(process.execPath, ["deploy/bundle.ts"], { cwd: repoRoot })));
    tscMs.push(await timed(() => run(tsc, ["-p", "tsconfig.build.json"], { cwd: repoRoot })));
  }
  const meta = JSON.parse(
    await readFile(join(repoRoot, bundleLayout.metafile), "utf8"),
  ) as Metafile;
  const eager = staticClosure(meta, bundleLayout.entry);
  // What `--provider <cloud>` loads on top of the entry: its chunk and the chunks that imports.
  const provider = (cloud: string) => {
    const chunk = outputFor(meta, `providers/${cloud}/index.ts`);
    const extra = [...staticClosure(meta, chunk)].filter((f) => !eager.has(f));
    return { chunk: chunk.replace(`${bundleLayout.dir}/`, ""), loadsMb: mb(bytesOf(meta, extra)) };
  };
  const sizes = {
    totalMb: mb(bytesOf(meta, Object.keys(meta.outputs))),
    files: Object.keys(meta.outputs).length,
    entryWithStaticImportsMb: mb(bytesOf(meta, eager)),
    providers: { aws: provider("aws"), gcp: provider("gcp"), azure: provider("azure") },
  };

  say(`cold start of --help, ${runs} runs each ...`);
  const help: Record<string, Summary> = {};
  for (const build of Object.keys(builds) as Build[]) {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      ms.push(
        await timed(() =>
          run(process.execPath, [...imageNodeFlags(), join(repoRoot, builds[build]), "--help"]),
        ),
      );
    }
    help[build] = summarize(ms);
  }

  const controller = await withCleanup(async (cleanup) => {
    say("starting LocalStack and kube-apiserver for the controller cold starts ...");
    const { kube, localstack } = await startKubeAndEc2(cleanup);
    const vpc = await seedVpc(localStackEc2Client(localstack.endpoint), { name: "bundle" });
    const logDir = await mkdtemp(join(tmpdir(), "vrs-bench-bundle-"));
    cleanup.add("controller logs", () => rm(logDir, { recursive: true, force: true }));
    const args = [
      "--provider=aws",
      "--cluster-id=bench-bundle",
      "--allowed-cidrs=10.8.0.0/16",
      "--allowed-namespaces=vpn",
      "--aws-region=us-east-1",
      `--aws-endpoint=${localstack.endpoint}`,
      `--kubeconfig=${kube.kubeconfigPath}`,
      `--aws-route-table-tags=${vpc.routeTableTag.key}=${vpc.routeTableTag.value}`,
      "--log-level=warn",
    ];
    const out: Record<string, { readyMs: Summary; rssMb: Summary }> = {};
    for (const build of Object.keys(builds) as Build[]) {
      const samples = [];
      for (let i = 0; i < 3; i++) samples.push(await controllerStart(build, args, logDir));
      out[build] = {
        readyMs: summarize(samples.map((s) => s.ms)),
        rssMb: summarize(samples.map((s) => s.rssMb)),
      };
    }
    return out;
  });

  const build = summarize(buildMs);
  const tscBuild = summarize(tscMs);
  const result = benchResult(
    "bundle",
    "The shipped bundle: build time, sizes, cold starts against the tsc output",
    started,
    [
      {
        name: "bundle build time (node deploy/bundle.ts) / tsc build of dist/, p50 of 3 each",
        target: "<= 1.5 (the integration setup runs both side by side)",
        measured: `${(build.p50 / tscBuild.p50).toFixed(2)} (${(build.p50 / 1000).toFixed(1)} s / ${(tscBuild.p50 / 1000).toFixed(1)} s)`,
        met: build.p50 <= 1.5 * tscBuild.p50,
      },
    ],
    {
      buildMs: build,
      tscBuildMs: tscBuild,
      sizes,
      helpColdStartMs: help,
      awsControllerToReady: controller,
      nodeFlags: imageNodeFlags(),
    },
  );
  await writeResult(result);
  return result;
}
