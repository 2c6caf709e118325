import type { MemorySample } from "./controller-process.js";
import type { BenchResult } from "./results.js";

/** One process's memory over the benchmark: a controller configuration or a floor. */
export interface Watcher {
  readonly name: string;
  /**
   * A controller; the floor: the official clients alone (bench/memory-floor.ts); or a
   * diagnostic floor that also lists what a cluster-wide controller lists (in no target).
   */
  readonly role: "controller" | "floor" | "diagnostic";
  /** The controller's --allowed-namespaces; "-" for a floor. */
  readonly allowedNamespaces: string;
  /** Node flags of the process (the image's V8 settings), or "(none)" for plain node. */
  readonly nodeFlags: string;
  /** Empty cluster (only the VPN Service and three Nodes). */
  readonly empty: MemorySample | undefined;
  /**
   * The empty-cluster sample of the process that kept running (the last start), when `empty` is
   * the median of several starts: growth while running compares one process with itself.
   */
  readonly runningEmpty?: MemorySample;
  /** The same process after the scale objects were created while it ran. */
  readonly grown: MemorySample | undefined;
  /** A fresh process started on the full cluster. */
  readonly cold: MemorySample | undefined;
  /** Diagnostic: the cold-started process sampled again a while later. */
  readonly coldLater: MemorySample | undefined;
  /** RSS of every start, empty cluster and cold start; `empty` and `cold` are the median start. */
  readonly startsRssMb: { readonly empty: readonly number[]; readonly cold: readonly number[] };
  /** Controllers, each cold start: from spawning the process to its caches synced (/readyz). */
  readonly coldReadyMs?: readonly number[];
  readonly populateSeconds: number;
}

/**
 * RSS of the previous build (hand-written Kubernetes and EC2 clients, `node dist/src/main.js`),
 * same benchmark and scale, for comparison: bench/results/memory-scale.json at commit a3f2613.
 */
export const handWrittenBuild = {
  commit: "a3f2613",
  rssMb: {
    namespaced: { empty: 79.9, grown: 80.8, cold: 79.5 },
    "all-namespaces": { empty: 79.6, grown: 84.6, cold: 85.4 },
    "namespaced-plain-node": { empty: 85, grown: 81.5, cold: 85 },
  } as Record<string, { empty: number; grown: number; cold: number } | undefined>,
};

/** Controller RSS at most this many times the floor's, at both cluster sizes. */
const maxRatio = 1.25;
/** "Roughly flat": RSS at scale at most this much above the empty-cluster RSS. */
const flatPercent = 10;

const label = (w: Watcher) =>
  `${w.name} (--allowed-namespaces ${w.allowedNamespaces}; ${w.nodeFlags === "(none)" ? "diagnostic: plain node" : `as the image runs it: node ${w.nodeFlags}`})`;

const growth = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;
const ratio = (controller: MemorySample, floor: MemorySample) =>
  Math.round((controller.rssMb / floor.rssMb) * 100) / 100;
const heap = (s: MemorySample) => `${s.heapUsedMb}/${s.heapTotalMb}`;
const versus = (c: MemorySample, f: MemorySample) =>
  `controller ${c.rssMb} MB / floor ${f.rssMb} MB = ${ratio(c, f)}x (heap used/total ${heap(c)} vs ${heap(f)} MB)`;

/**
 * Three lines per controller configuration: RSS over the floor of the same node flags at the
 * empty cluster, the same at scale (the worse of the running and the cold-started process, each
 * against the floor sampled beside it), and growth over the empty cluster (the running process
 * against its own empty sample; cold starts against empty starts).
 */
export function memoryTargets(watchers: readonly Watcher[]): BenchResult["targets"] {
  return watchers.flatMap((w) => {
    const floor = watchers.find((f) => f.role === "floor" && f.nodeFlags === w.nodeFlags);
    const { empty, grown, cold } = w;
    if (w.role !== "controller" || floor?.empty === undefined) return [];
    if (floor.grown === undefined || floor.cold === undefined) return [];
    if (empty === undefined || grown === undefined || cold === undefined) return [];
    const old = handWrittenBuild.rssMb[w.name];
    const was = (mb: string) => `; hand-written build (${handWrittenBuild.commit}): ${mb}`;
    const atScale = Math.max(ratio(grown, floor.grown), ratio(cold, floor.cold));
    const before = w.runningEmpty ?? empty;
    const up = Math.max(growth(before.rssMb, grown.rssMb), growth(empty.rssMb, cold.rssMb));
    return [
      {
        name: `${label(w)}: RSS over the floor, empty cluster`,
        target: `<= ${maxRatio}x the floor`,
        measured: `${versus(empty, floor.empty)}${old ? was(`${old.empty} MB`) : ""}`,
        met: ratio(empty, floor.empty) <= maxRatio,
      },
      {
        name: `${label(w)}: RSS over the floor at scale (worse of running and cold-started)`,
        target: `<= ${maxRatio}x the floor`,
        measured: `running: ${versus(grown, floor.grown)}; cold-started: ${versus(cold, floor.cold)}, start-up peak ${cold.peakRssMb} MB${old ? was(`${old.grown} MB running, ${old.cold} MB cold`) : ""}`,
        met: atScale <= maxRatio,
      },
      {
        name: `${label(w)}: RSS growth over the empty cluster`,
        target: `roughly flat (<= ${flatPercent} %)`,
        measured: `running: ${before.rssMb} MB empty (heap ${heap(before)}) -> ${grown.rssMb} MB (${growth(before.rssMb, grown.rssMb)} %), the same process; cold-started: ${empty.rssMb} MB empty -> ${cold.rssMb} MB (${growth(empty.rssMb, cold.rssMb)} %), each the median of fresh starts`,
        met: up <= flatPercent,
      },
    ];
  });
}
