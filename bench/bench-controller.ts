import type { CallObserver, Provider } from "../providers/types.js";
import { type RunningController, startController } from "../src/cli/runtime.js";
import { systemClock } from "../src/clock.js";
import { loadConfig } from "../src/config/load.js";
import type { Config } from "../src/config/types.js";
import { loadKubeConfig } from "../src/kube/client/kubeconfig.js";
import { createLogger, type Logger } from "../src/observability/logger.js";
import { createMetrics, type Metrics } from "../src/observability/metrics.js";
import { type ProviderEvent, timeProvider } from "./phases.js";

/** Cloud calls by operation (`ReplaceRoute`, `routes.insert`...); failed calls as `op (error)`. */
export type CallCounts = Record<string, number>;

/** An in-process controller started by a benchmark, with its own metrics registry. */
export interface BenchController {
  readonly running: RunningController;
  readonly metrics: Metrics;
  readonly config: Config;
  /** Reconcile passes run so far (resyncs included). */
  passes(): number;
  /** Every provider call the controller made, timed (see phases.ts). */
  readonly providerEvents: ProviderEvent[];
  /** The controller's own count of cloud calls (its `cloud_api_calls_total` counter). */
  cloudCalls(): Promise<CallCounts>;
}

/** How to start one: command-line style options plus the provider factory. */
export interface BenchControllerOptions {
  readonly kubeconfigPath: string;
  /** Command-line options (camelCase), e.g. `{ provider: "aws", clusterId: "bench" }`. */
  readonly options: Record<string, unknown>;
  readonly provider: (
    config: Config,
    logger: Logger,
    calls: CallObserver,
  ) => Provider | Promise<Provider>;
  /**
   * Diagnostic only: replaces the validated write budget with an effectively unlimited one (the
   * flag cannot express this; max 5/s), to measure the controller's mechanics apart from the
   * rate limiter. Never a product setting.
   */
  readonly bypassWriteLimit?: boolean;
}

/**
 * Starts the controller the way `vpc-route-sync controller` does (same composition, product
 * defaults for everything the options leave out: leader election, 60 s resync, 2 writes/s),
 * but in-process so the benchmark can read its metrics and count its passes.
 */
export async function startBenchController(
  options: BenchControllerOptions,
): Promise<BenchController> {
  const loaded = loadConfig({
    options: {
      kubeconfig: options.kubeconfigPath,
      httpAddress: "127.0.0.1:0",
      logLevel: process.env.VRS_BENCH_LOG_LEVEL ?? "silent",
      ...options.options,
    },
    env: {},
  });
  const config: Config = options.bypassWriteLimit
    ? { ...loaded, writesPerSecond: 1_000_000 }
    : loaded;
  const logger = createLogger({ level: config.log.level });
  const metrics = createMetrics(config.provider, { defaultMetrics: false });
  let passes = 0;
  const providerEvents: ProviderEvent[] = [];
  const running = await startController({
    config,
    kubeConfig: loadKubeConfig(options.kubeconfigPath),
    provider: timeProvider(
      await options.provider(config, logger, metrics.callObserver),
      providerEvents,
    ),
    metrics,
    logger,
    clock: systemClock,
    onPass: () => {
      passes++;
    },
  });
  return {
    running,
    metrics,
    config,
    passes: () => passes,
    providerEvents,
    cloudCalls: async () => {
      const counts: CallCounts = {};
      for (const { labels, value } of (await metrics.cloudCalls.get()).values) {
        if (value === 0) continue;
        const op = String(labels.operation);
        const key = labels.outcome === "ok" ? op : `${op} (${String(labels.outcome)})`;
        counts[key] = (counts[key] ?? 0) + value;
      }
      return counts;
    },
  };
}

/** `after - before` per operation, dropping zeros. */
export function diffCounts(after: CallCounts, before: CallCounts): CallCounts {
  const out: CallCounts = {};
  for (const [op, n] of Object.entries(after)) {
    const d = n - (before[op] ?? 0);
    if (d !== 0) out[op] = d;
  }
  return out;
}

/** Adds `b` into `a` per operation. */
export function addCounts(a: CallCounts, b: CallCounts): CallCounts {
  const out: CallCounts = { ...a };
  for (const [op, n] of Object.entries(b)) out[op] = (out[op] ?? 0) + n;
  return out;
}

/** Per-move averages, rounded to 0.01. */
export function perMove(total: CallCounts, moves: number): CallCounts {
  const out: CallCounts = {};
  for (const [op, n] of Object.entries(total))
    out[op] = Math.round((n / Math.max(1, moves)) * 100) / 100;
  return out;
}
