import type { RecordedCall } from "./resilience-recorder.js";

/** One reading of a CIDR's route in every table: the target ENI per table, undefined if absent. */
export interface RouteSample {
  readonly at: number;
  readonly targets: readonly (string | undefined)[];
}

/**
 * Reads the route tables back to back while a story runs (a drain, a crash), so a test can show
 * there was never a moment without a route and that a route only ever moved forward.
 */
export class RouteWatch {
  private readonly samples: RouteSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  private constructor(read: () => Promise<(string | undefined)[]>) {
    this.loop = (async () => {
      while (this.running) {
        this.samples.push({ at: Date.now(), targets: await read() });
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
  }

  static start(read: () => Promise<(string | undefined)[]>): RouteWatch {
    return new RouteWatch(read);
  }

  /** Stops polling and returns every sample taken. */
  async stop(): Promise<readonly RouteSample[]> {
    this.running = false;
    await this.loop;
    return this.samples;
  }
}

/** Samples in which some table had no route for the CIDR. */
export const gaps = (samples: readonly RouteSample[]) =>
  samples.filter((s) => s.targets.some((t) => t === undefined));

/** The distinct states (all tables' targets joined) in the order they were seen. */
export function transitions(samples: readonly RouteSample[]): string[] {
  const out: string[] = [];
  for (const s of samples) {
    const state = s.targets.map((t) => t ?? "-").join(",");
    if (out.at(-1) !== state) out.push(state);
  }
  return out;
}

/** How many times each table's target changed across the samples (1 per table for one move). */
export function changesPerTable(samples: readonly RouteSample[]): number[] {
  const tables = samples[0]?.targets.length ?? 0;
  return Array.from({ length: tables }, (_, t) => {
    let changes = 0;
    for (let i = 1; i < samples.length; i++)
      if (samples[i]?.targets[t] !== samples[i - 1]?.targets[t]) changes++;
    return changes;
  });
}

/** One move as tests compare it: gap samples, changes per table, writes as `Action table -> ENI`. */
export interface MoveSummary {
  readonly gaps: number;
  readonly changesPerTable: readonly number[];
  readonly writes: readonly string[];
}

/** Summarizes the route samples and the controller's writes (sorted) taken during one move. */
export function summarizeMove(
  samples: readonly RouteSample[],
  writes: readonly RecordedCall[],
): MoveSummary {
  return {
    gaps: gaps(samples).length,
    changesPerTable: changesPerTable(samples),
    writes: writes
      .map((w) => `${w.action} ${w.params.RouteTableId} -> ${w.params.NetworkInterfaceId ?? "-"}`)
      .sort(),
  };
}

/** A clean move of `tableIds` to `eni`: no gap, each table once, one ReplaceRoute per table. */
export function cleanMove(tableIds: readonly string[], eni: string): MoveSummary {
  return {
    gaps: 0,
    changesPerTable: tableIds.map(() => 1),
    writes: tableIds.map((t) => `ReplaceRoute ${t} -> ${eni}`).sort(),
  };
}
