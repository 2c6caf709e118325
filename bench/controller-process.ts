import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { entrypointSource } from "../test/harness/dockerfile.js";
import { findFreePort } from "../test/harness/ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "../test/harness/processes.js";
import { imageEnv } from "./image-node-flags.js";
import { round1 } from "./support.js";

/** The file the image's ENTRYPOINT runs (the esbuild bundle's entry), in this checkout. */
const mainJs = entrypointSource();

/** One memory sample of a controller process, in MB. */
export interface MemorySample {
  /** VmRSS from /proc/<pid>/status. */
  readonly rssMb: number;
  /** VmHWM: the highest RSS since the process started. */
  readonly peakRssMb: number;
  /** RssAnon: the part of VmRSS that is heap, malloc and stacks (the rest maps files: code). */
  readonly rssAnonMb: number;
  /** V8 heap used and total, from the process's own /metrics (prom-client default gauges). */
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
}

/** A benchmarked child process whose memory can be sampled. */
export interface SampledProcess {
  readonly name: string;
  readonly pid: number;
  sample(): Promise<MemorySample>;
  stop(): Promise<void>;
}

/** A `vpc-route-sync controller` child process with its metrics port. */
export interface ControllerProcess extends SampledProcess {
  readonly port: number;
  /** From spawning the process to /readyz answering 200 (its caches synced), polled every 200 ms. */
  readonly readyAfterMs: number;
}

const kb = (status: string, field: string) => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (match?.[1] === undefined) throw new Error(`/proc status has no ${field}`);
  return Number(match[1]) / 1024;
};

/** VmRSS, VmHWM and RssAnon of `pid` in MB, from /proc/<pid>/status. */
export async function procRss(
  pid: number,
): Promise<Pick<MemorySample, "rssMb" | "peakRssMb" | "rssAnonMb">> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const mb = (field: string) => round1(kb(status, field));
  return { rssMb: mb("VmRSS"), peakRssMb: mb("VmHWM"), rssAnonMb: mb("RssAnon") };
}

const gauge = (metrics: string, name: string) => {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, "m").exec(metrics);
  if (match?.[1] === undefined) throw new Error(`/metrics has no ${name}`);
  return Number(match[1]) / (1024 * 1024);
};

/**
 * Starts `node <the bundle the image runs> controller <args>` as a separate process (its own process
 * group, log in `logDir`, `nodeFlags` before the script, `env` over this process's environment;
 * default the image's ENV) and waits until /readyz answers 200.
 */
export async function startControllerProcess(
  name: string,
  args: readonly string[],
  logDir: string,
  nodeFlags: readonly string[] = [],
  env: Readonly<Record<string, string>> = imageEnv(),
): Promise<ControllerProcess> {
  const port = await findFreePort();
  const spawnedAt = performance.now();
  const proc: ManagedProcess = startProcess(
    name,
    process.execPath,
    [
      ...nodeFlags,
      mainJs,
      "controller",
      ...args,
      `--http-address=127.0.0.1:${port}`,
      "--log-level=warn",
    ],
    join(logDir, `${name}.log`),
    {
      ...process.env,
      ...env,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    },
  );
  const pid = proc.child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  try {
    await waitUntil(`${name} /readyz`, async () => (await fetch(url("/readyz"))).ok, 300_000, proc);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const readyAfterMs = Math.round(performance.now() - spawnedAt);
  return {
    name,
    pid,
    port,
    readyAfterMs,
    async sample() {
      const rss = await procRss(pid);
      const metrics = await (await fetch(url("/metrics"))).text();
      return {
        ...rss,
        heapUsedMb: round1(gauge(metrics, "vpc_route_sync_process_nodejs_heap_size_used_bytes")),
        heapTotalMb: round1(gauge(metrics, "vpc_route_sync_process_nodejs_heap_size_total_bytes")),
      };
    },
    stop: () => proc.stop(),
  };
}

/** `count` samples `everyMs` apart; returns the one with the median RSS (and the last peak). */
export async function settledSample(
  proc: SampledProcess,
  count = 5,
  everyMs = 2_000,
): Promise<MemorySample> {
  const samples: MemorySample[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(everyMs);
    samples.push(await proc.sample());
  }
  const sorted = [...samples].sort((a, b) => a.rssMb - b.rssMb);
  const median = sorted[Math.floor(sorted.length / 2)] ?? samples[0];
  if (median === undefined) throw new Error("no memory sample");
  return { ...median, peakRssMb: samples.at(-1)?.peakRssMb ?? median.peakRssMb };
}

/** Per process (column), the sample of the start (row) with the median RSS. */
export function medianStart(runs: readonly (readonly MemorySample[])[]): MemorySample[] {
  return (runs[0] ?? []).map((_, i) => {
    const sorted = runs.flatMap((run) => run[i] ?? []).sort((a, b) => a.rssMb - b.rssMb);
    const median = sorted[Math.floor(sorted.length / 2)];
    if (median === undefined) throw new Error("no memory sample");
    return median;
  });
}
