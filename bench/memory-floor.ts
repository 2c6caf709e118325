/**
 * The memory floor: a process that holds only the official clients the controller uses
 * (@kubernetes/client-node and @aws-sdk/client-ec2), bundled with the product's esbuild options,
 * started with the image's node flags, after one call each. The controller's memory targets are
 * ratios to this figure, so they measure what our code adds, not what the libraries cost.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { bundleEntry } from "../deploy/bundle.js";
import { repoRoot } from "../test/harness/dockerfile.js";
import { startProcess, waitUntil } from "../test/harness/processes.js";
import { type MemorySample, procRss, type SampledProcess } from "./controller-process.js";
import { round1 } from "./support.js";

/** Outside dist/bundle/, which the image copies. */
const floorDir = "dist/bench-floor";
const floorSource = "bench/memory-floor-main.ts";

/** Bundles bench/memory-floor-main.ts into dist/bench-floor/ as the product is bundled. */
export async function buildFloorBundle(): Promise<string> {
  await bundleEntry(floorSource, floorDir);
  return join(repoRoot, floorDir, "main.js");
}

/** Where the floor process reaches its two APIs. */
export interface FloorTarget {
  readonly kubeconfigPath: string;
  readonly ec2Endpoint: string;
  readonly region: string;
}

const mb = (bytes: number) => round1(bytes / (1024 * 1024));

/**
 * Starts the floor bundle (`entry`) with `nodeFlags` and `env` and waits until it has made its
 * two calls (with `listAll`, also its cluster-wide lists: see memory-floor-main.ts).
 * Its heap comes from the JSON line it prints on SIGUSR2, its RSS from /proc.
 */
export async function startFloorProcess(
  name: string,
  entry: string,
  target: FloorTarget,
  logDir: string,
  nodeFlags: readonly string[],
  env: Readonly<Record<string, string>>,
  listAll = false,
): Promise<SampledProcess> {
  const logPath = join(logDir, `${name}.log`);
  const proc = startProcess(
    name,
    process.execPath,
    [
      ...nodeFlags,
      entry,
      target.kubeconfigPath,
      target.ec2Endpoint,
      target.region,
      ...(listAll ? ["list-all"] : []),
    ],
    logPath,
    { ...process.env, ...env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
  );
  const pid = proc.child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const lines = async () => (await readFile(logPath, "utf8")).split("\n").filter(Boolean);
  try {
    const ready = async () => (await lines()).some((l) => l.startsWith("floor ready"));
    await waitUntil(`${name} ready`, ready, 120_000, proc);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const heap = async () => {
    const before = (await lines()).length;
    process.kill(pid, "SIGUSR2");
    for (let i = 0; i < 50; i++) {
      const all = await lines();
      const last = all.at(-1);
      if (all.length > before && last !== undefined) {
        return JSON.parse(last) as { heapUsed: number; heapTotal: number };
      }
      await sleep(100);
    }
    throw new Error(`${name} did not report its heap (log ${logPath})`);
  };
  return {
    name,
    pid,
    async sample(): Promise<MemorySample> {
      const rss = await procRss(pid);
      const { heapUsed, heapTotal } = await heap();
      return { ...rss, heapUsedMb: mb(heapUsed), heapTotalMb: mb(heapTotal) };
    },
    stop: () => proc.stop(),
  };
}
