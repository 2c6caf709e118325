import type { MemorySample } from "./controller-process.js";
import type { BenchResult } from "./results.js";

/** One controller configuration's memory over the benchmark. */
export interface Watcher {
  readonly name: string;
  readonly allowedNamespaces: string;
  /** Node flags of the process (the image's V8 settings), or "(none)" for plain node. */
  readonly nodeFlags: string;
  /** Empty cluster (only the VPN Service and three Nodes). */
  readonly empty: MemorySample | undefined;
  /** The same process after the scale objects were created while it ran. */
  readonly grown: MemorySample | undefined;
  /** A fresh process started on the full cluster. */
  readonly cold: MemorySample | undefined;
  readonly populateSeconds: number;
}

/** "Roughly flat": RSS at scale at most this much above the empty-cluster RSS. */
const flatPercent = 10;

const label = (w: Watcher) =>
  `${w.name} (--allowed-namespaces ${w.allowedNamespaces}; ${w.nodeFlags === "(none)" ? "diagnostic: plain node" : `as the image runs it: node ${w.nodeFlags}`})`;

const growth = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;

/**
 * Two lines per configuration: RSS at scale <= 100 MB (the worse of the running and the
 * cold-started process) and growth over the empty cluster within the flatness bound.
 */
export function memoryTargets(watchers: readonly Watcher[]): BenchResult["targets"] {
  return watchers.flatMap((w) => {
    const { empty, grown, cold } = w;
    if (empty === undefined || grown === undefined || cold === undefined) return [];
    const worst = Math.max(grown.rssMb, cold.rssMb);
    const up = Math.max(growth(empty.rssMb, grown.rssMb), growth(empty.rssMb, cold.rssMb));
    const heap = (s: MemorySample) => `${s.heapUsedMb}/${s.heapTotalMb}`;
    return [
      {
        name: `${label(w)}: RSS at scale`,
        target: "<= 100 MB",
        measured: `${grown.rssMb} MB running, ${cold.rssMb} MB cold-started (start-up peak ${cold.peakRssMb} MB); heap used/total ${heap(grown)} and ${heap(cold)} MB`,
        met: worst <= 100,
      },
      {
        name: `${label(w)}: RSS growth over the empty cluster`,
        target: `roughly flat (<= ${flatPercent} %)`,
        measured: `${empty.rssMb} MB empty (heap ${heap(empty)}) -> ${grown.rssMb} MB running (${growth(empty.rssMb, grown.rssMb)} %), ${cold.rssMb} MB cold (${growth(empty.rssMb, cold.rssMb)} %)`,
        met: up <= flatPercent,
      },
    ];
  });
}
