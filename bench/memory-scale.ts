import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { entrypointSource, repoRoot } from "../test/harness/dockerfile.js";
import { seedVpc } from "../test/harness/ec2-seed.js";
import { fixtureSliceManager } from "../test/harness/kube-objects.js";
import { localStackEc2Client } from "../test/harness/localstack.js";
import { allRouteTo, benchEc2Port, createTable } from "./aws-world.js";
import {
  type MemorySample,
  medianStart,
  type SampledProcess,
  settledSample,
  startControllerProcess,
} from "./controller-process.js";
import { createVpnService, startKubeAndEc2 } from "./environment.js";
import { imageEnv, imageNodeFlags } from "./image-node-flags.js";
import { populateCluster } from "./kube-populate.js";
import { buildFloorBundle, startFloorProcess } from "./memory-floor.js";
import { handWrittenBuild, memoryTargets, type Watcher } from "./memory-targets.js";
import { type BenchResult, writeResult } from "./results.js";
import { benchResult, envInt, loadAverage, say, withCleanup } from "./support.js";

/**
 * Memory at scale: controller processes run as the image runs them (`node <the Dockerfile's
 * V8 flags> <the bundle its ENTRYPOINT names> controller`), one watching only the VPN namespace,
 * one with --allowed-namespaces '*', and (diagnostic) a twin of the first on plain `node`, each
 * with its own route tables on LocalStack; beside them the floor (bench/memory-floor.ts), with
 * the image's flags and on plain node. RSS and heap of all of them with an empty cluster, after
 * 5,000 Nodes and 20,000 Services with EndpointSlices were created in a dedicated kube-apiserver,
 * and after a cold start (floors included) on it. The image's ENV goes with the image's flags;
 * the plain-node twins get neither.
 */
export async function benchMemoryScale(): Promise<BenchResult> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  const scale = {
    nodes: envInt("BENCH_NODES", 5_000),
    services: envInt("BENCH_SERVICES", 20_000),
    namespaces: envInt("BENCH_NAMESPACES", 100),
    concurrency: envInt("BENCH_KUBE_CONCURRENCY", 24),
  };
  const settle = envInt("BENCH_MEMORY_SETTLE_SECONDS", 20) * 1000;
  const lateSeconds = envInt("BENCH_MEMORY_LATE_SECONDS", 60);
  const shipped = imageNodeFlags();
  const shippedEnv = imageEnv();
  const starts = envInt("BENCH_MEMORY_STARTS", 3, 1);
  say("bundling the floor (the official clients alone) with the product's esbuild options ...");
  const floorEntry = await buildFloorBundle();
  const watchers: Watcher[] = await withCleanup(async (cleanup) => {
    say("starting LocalStack (EC2) and a dedicated kube-apiserver + etcd ...");
    const { kube, localstack } = await startKubeAndEc2(cleanup);
    const logDir = await mkdtemp(join(tmpdir(), "vrs-bench-memory-"));
    cleanup.add("controller logs", () => rm(logDir, { recursive: true, force: true }));
    const ec2 = localStackEc2Client(localstack.endpoint);
    const vpc = await seedVpc(ec2, { name: "memory" });
    const tables = async (value: string) => {
      const tag = { key: "vpc-route-sync.io/bench-set", value };
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(await createTable(ec2, vpc.vpcId, tag.key, value));
      return [tag, ids] as const;
    };
    const [starTag, starTables] = await tables("memory-star");
    const [plainTag, plainTables] = await tables("memory-plain");
    const nodes = vpc.nodes.map((n) => ({
      name: n.name,
      providerId: n.providerId,
      internalIp: n.privateIp,
    }));
    const objects = await createVpnService(kube.kubeconfigPath, "vpn", ["10.8.0.0/24"], nodes);
    const poller = benchEc2Port(localstack.endpoint);
    const eni = vpc.nodes[0]?.eniId ?? "";
    const list = [
      {
        name: "namespaced",
        namespaces: "vpn",
        tables: vpc.routeTableIds,
        tag: vpc.routeTableTag,
        v8: shipped,
        env: shippedEnv,
      },
      {
        name: "all-namespaces",
        namespaces: "*",
        tables: starTables,
        tag: starTag,
        v8: shipped,
        env: shippedEnv,
      },
      {
        name: "namespaced-plain-node",
        namespaces: "vpn",
        tables: plainTables,
        tag: plainTag,
        v8: [] as string[],
        env: {},
      },
    ] as const;
    const floors = [
      { name: "floor", v8: shipped, env: shippedEnv, listAll: false },
      { name: "floor-plain-node", v8: [] as string[], env: {}, listAll: false },
      { name: "floor-listing", v8: shipped, env: shippedEnv, listAll: true },
    ] as const;
    const floorTarget = {
      kubeconfigPath: kube.kubeconfigPath,
      ec2Endpoint: localstack.endpoint,
      region: "us-east-1",
    };
    const startFloor = async (f: (typeof floors)[number]): Promise<SampledProcess> => {
      const proc = await startFloorProcess(
        f.name,
        floorEntry,
        floorTarget,
        logDir,
        f.v8,
        f.env,
        f.listAll,
      );
      cleanup.add(proc.name, () => proc.stop());
      return proc;
    };
    const start = async (w: (typeof list)[number]): Promise<SampledProcess> => {
      const proc = await startControllerProcess(
        `controller-${w.name}`,
        [
          "--provider=aws",
          `--cluster-id=mem-${w.name}`,
          "--allowed-cidrs=10.8.0.0/16",
          `--allowed-namespaces=${w.namespaces}`,
          `--trusted-endpoint-slice-managers=${fixtureSliceManager}`,
          "--aws-region=us-east-1",
          `--aws-endpoint=${localstack.endpoint}`,
          `--aws-route-table-tags=${w.tag.key}=${w.tag.value}`,
          `--kubeconfig=${kube.kubeconfigPath}`,
          "--leader-elect-namespace=vpn",
          `--leader-elect-lease-name=mem-${w.name}`,
        ],
        logDir,
        w.v8,
        w.env,
      );
      cleanup.add(proc.name, () => proc.stop());
      const t0 = performance.now();
      while (!(await allRouteTo(poller, w.tables, ["10.8.0.0/24"], eni))) {
        if (performance.now() - t0 > 120_000) throw new Error(`${proc.name} programmed no routes`);
        await sleep(200);
      }
      return proc;
    };
    // allSettled: when one fails, the others still finish starting (and so register their stop).
    const startAll = async () => {
      const settled = await Promise.allSettled([...list.map(start), ...floors.map(startFloor)]);
      const failed = settled.find((r) => r.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      return settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    };
    const names = [...list, ...floors].map((w) => w.name);
    const show = (samples: readonly MemorySample[]) =>
      samples.map((s, i) => `${names[i]} ${s.rssMb} MB RSS`).join(", ");
    /**
     * Starts every process `starts` times (all together each time) and samples each start once
     * settled: a single start's RSS varied by up to 25 MB between runs. Per process, the start
     * with the median RSS counts; the last start keeps running for the next phase.
     */
    const startSettled = async (phase: string) => {
      const runs: MemorySample[][] = [];
      const ready: number[][] = [];
      for (let n = 1; ; n++) {
        const started = await startAll();
        ready.push(started.map((p) => ("readyAfterMs" in p ? Number(p.readyAfterMs) : Number.NaN)));
        await sleep(settle);
        const samples = await Promise.all(started.map((p) => settledSample(p)));
        runs.push(samples);
        say(`${phase}, start ${n}/${starts}: ${show(samples)}`);
        if (n >= starts) return { procs: started, samples: medianStart(runs), runs, ready };
        await Promise.all(started.map((p) => p.stop()));
      }
    };
    const first = await startSettled("empty cluster");
    let procs = first.procs;
    const empty = first.samples;
    say(`empty cluster (median start): ${show(empty)}`);
    say(
      `creating ${scale.nodes} Nodes, ${scale.services} Services + EndpointSlices in ${scale.namespaces} namespaces ...`,
    );
    const t0 = performance.now();
    await populateCluster(objects, scale);
    const populateSeconds = Math.round((performance.now() - t0) / 1000);
    await sleep(settle);
    const grown = await Promise.all(procs.map((p) => settledSample(p)));
    say(`after growth: ${show(grown)}`);
    await Promise.all(procs.map((p) => p.stop()));
    say("cold start of the controllers and floors on the full cluster ...");
    const coldStarts = await startSettled("cold start");
    procs = coldStarts.procs;
    const cold = coldStarts.samples;
    say(`cold start (median start): ${show(cold)}`);
    // Diagnostic: whether what a cold start holds above the running process is kept or given back.
    await sleep(lateSeconds * 1000);
    const coldLater = await Promise.all(procs.map((p) => settledSample(p)));
    await Promise.all(procs.map((p) => p.stop()));
    say(`cold start, ${lateSeconds} s later: ${show(coldLater)}`);
    return [...list, ...floors].map((w, i) => ({
      name: w.name,
      role: "namespaces" in w ? "controller" : w.listAll ? "diagnostic" : "floor",
      allowedNamespaces: "namespaces" in w ? w.namespaces : "-",
      nodeFlags: w.v8.length > 0 ? w.v8.join(" ") : "(none)",
      empty: empty[i],
      runningEmpty: first.runs.at(-1)?.[i],
      grown: grown[i],
      cold: cold[i],
      coldLater: coldLater[i],
      startsRssMb: {
        empty: first.runs.map((run) => run[i]?.rssMb ?? Number.NaN),
        cold: coldStarts.runs.map((run) => run[i]?.rssMb ?? Number.NaN),
      },
      ...("namespaces" in w
        ? { coldReadyMs: coldStarts.ready.map((run) => run[i] ?? Number.NaN) }
        : {}),
      populateSeconds,
    }));
  });
  const result = benchResult(
    "memory-scale",
    `Controller memory: empty cluster vs ${scale.nodes} Nodes and ${scale.services} Services`,
    started,
    memoryTargets(watchers),
    {
      loadAverageAtStart: loadAtStart,
      scale,
      ...describeRun({ shipped, shippedEnv, floorEntry, settle, starts, lateSeconds }),
      handWrittenBuild,
      watchers,
    },
  );
  await writeResult(result);
  return result;
}

/** The results file's `setup` and `method` texts: how the run was set up and sampled. */
function describeRun(o: {
  shipped: readonly string[];
  shippedEnv: Readonly<Record<string, string>>;
  floorEntry: string;
  settle: number;
  starts: number;
  lateSeconds: number;
}): { setup: string; method: string } {
  const { shipped, shippedEnv, floorEntry, settle, starts, lateSeconds } = o;
  return {
    setup: `dedicated kube-apiserver + etcd and LocalStack EC2; 'node ${shipped.join(" ")} ${relative(repoRoot, entrypointSource())} controller --provider aws' processes (the esbuild bundle and V8 flags of deploy/Dockerfile's ENTRYPOINT, and its ENV: ${Object.entries(
      shippedEnv,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(
        " ",
      )}), each leader of its own lease and route tables: one with --allowed-namespaces vpn, one with '*', and (diagnostic) the namespaced one again on plain node; the floor: bench/memory-floor-main.ts bundled with the product's esbuild options into ${relative(repoRoot, floorEntry)}, started the same way (image flags and ENV, and on plain node without either for the diagnostic twin), which builds the official clients as production does (loadKubeConfig + KubeClient, createEc2Client), lists Nodes with limit=1 and reads one DescribeRouteTables page, then idles; (diagnostic, in no target) floor-listing: the same floor with the image's flags and ENV that also lists every Service and EndpointSlice through client-node's typed APIs (pages of 500), as a cluster-wide controller must at start-up; the VPN Service (1 CIDR) lives in namespace vpn; the scale objects carry no vpc-route-sync annotation; the scale Services are headless (see kube-populate.ts)`,
    method: `RSS, peak RSS and anonymous RSS (VmRSS, VmHWM, RssAnon) from /proc/<pid>/status; heap from each controller's /metrics (nodejs_heap_size_*) and from the floor's process.memoryUsage() printed on SIGUSR2; each figure is the median-RSS sample of 5 taken 2 s apart after ${settle / 1000} s of settling (V8 shrinks its heap once a process idles, so younger samples read higher); 'empty' and 'cold' start every process ${starts} time(s) and take, per process, the start with the median RSS (startsRssMb lists them all; a single start varied by up to 25 MB); 'grown': the same processes after the objects were created while they ran (the floors ran alongside); 'cold': fresh processes, floors included, started on the full cluster (VmHWM shows their start-up peak); 'coldLater' (diagnostic, in no target): the cold-started processes sampled again ${lateSeconds} s later; ratios compare each controller with the floor of the same node flags sampled in the same phase`,
  };
}
