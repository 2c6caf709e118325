/**
 * In-process controllers for the resilience tests, composed exactly as `vpc-route-sync
 * controller` does, with three things the scenarios' own starters do not offer: any KubeConfig
 * (e.g. one pointing at a kube proxy), JSON log lines captured for assertions, and GCP/Azure
 * providers with short request timeouts, so a held response becomes a client timeout in seconds.
 */
import { Writable } from "node:stream";
import type { KubeConfig } from "@kubernetes/client-node";
import { createAzureProvider } from "../../providers/azure/index.js";
import { createGcpProvider } from "../../providers/gcp/index.js";
import { createProvider } from "../../providers/registry.js";
import type { Provider } from "../../providers/types.js";
import { type RunningController, startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { createLogger, type Logger } from "../../src/observability/logger.js";
import { createMetrics, type Metrics } from "../../src/observability/metrics.js";
import type { PassResult } from "../../src/reconciler/reconcile.js";
import type { FakeAzure } from "../fakes/azure/fake-azure.js";
import { fakeCredential } from "../fakes/azure/sdk-client.js";
import { fakeAuthClient } from "../fakes/gcp/sdk-options.js";

/** One parsed log line. */
export type LogLine = Readonly<Record<string, unknown>> & {
  readonly msg: string;
  readonly time: string;
};

/** A running in-process controller with what it logged and every pass result. */
export interface CapturedController {
  readonly running: RunningController;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly passes: PassResult[];
  readonly logs: LogLine[];
}

/** Builds the provider from the loaded config; defaults to the production registry. */
export type ProviderFactory = (config: Config, logger: Logger, metrics: Metrics) => Provider;

const maxLogLines = 50_000;

/** Starts a controller with `options` (flag-style, as the scenarios give them) against `kubeConfig`. */
export async function startCapturedController(input: {
  readonly options: Record<string, unknown>;
  readonly kubeConfig: KubeConfig;
  readonly provider?: ProviderFactory;
}): Promise<CapturedController> {
  const config = loadConfig({ options: input.options, env: {} });
  const logs: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (logs.length < maxLogLines) logs.push(JSON.parse(chunk.toString("utf8")) as LogLine);
      done();
    },
  });
  const logger = createLogger({ level: "info", destination });
  const metrics = createMetrics(config.provider, { defaultMetrics: false });
  // `await` whether the registry's factory is synchronous or lazy-loads its SDK.
  const provider = await (input.provider?.(config, logger, metrics) ??
    createProvider(config, { clock: systemClock, logger, calls: metrics.callObserver }));
  const passes: PassResult[] = [];
  const running = await startController({
    config,
    kubeConfig: input.kubeConfig,
    provider,
    metrics,
    logger,
    clock: systemClock,
    onPass: (p) => passes.push(p),
  });
  return { running, metrics, config, passes, logs };
}

/** The GCP provider against a Compute fake, with a 3 s request timeout. */
export function gcpFakeProvider(endpoint: string): ProviderFactory {
  return (config, logger, metrics) =>
    createGcpProvider({
      clusterId: config.clusterId,
      project: config.gcp.project ?? "scenario-project",
      network: config.gcp.network ?? "vpc",
      routePriority: config.gcp.routePriority,
      endpoint,
      authClient: fakeAuthClient(),
      pollIntervalMs: 20,
      requestTimeoutMs: 3_000,
      clock: systemClock,
      logger: logger.child({ component: "gcp" }),
      calls: metrics.callObserver,
    });
}

/**
 * The Azure provider against the ARM fake, with a 3 s read timeout. Long-running writes are
 * polled as the SDK does: at once after the write, then after each poll response's Retry-After
 * (@azure/core-lro lets it replace the interval), else after the interval, here 10 ms unless
 * `sdkPolling` keeps the SDK's own default (2 s), as production does.
 */
export function azureFakeProvider(
  fake: FakeAzure,
  options: { readonly sdkPolling?: boolean } = {},
): ProviderFactory {
  return (config, logger, metrics) =>
    createAzureProvider({
      clusterId: config.clusterId,
      routeTableIds: config.azure.routeTableIds,
      endpoint: fake.endpoint,
      credential: fakeCredential,
      caCertificate: fake.caCertificate,
      ...(options.sdkPolling ? {} : { pollIntervalMs: 10 }),
      requestTimeoutMs: 3_000,
      clock: systemClock,
      logger: logger.child({ component: "azure" }),
      calls: metrics.callObserver,
    });
}
