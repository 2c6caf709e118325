import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { Provider } from "../../providers/types.js";
import { type RunningController, startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { createLogger, type Logger } from "../../src/observability/logger.js";
import { createMetrics, type Metrics } from "../../src/observability/metrics.js";
import type { PassResult } from "../../src/reconciler/reconcile.js";
import { fixtureSliceManager, KubeObjects } from "./kube-objects.js";

/** A controller started by a scenario, with what it counted. */
export interface ScenarioController {
  readonly running: RunningController;
  readonly metrics: Metrics;
  readonly config: Config;
  readonly passes: PassResult[];
}

/** What a cloud-specific scenario supplies to build its provider. */
export interface ProviderContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The cloud-independent half of a controller scenario on the shared API server: its namespace,
 * the Kubernetes objects, in-process controllers, Events and polling. Each cloud subclass adds
 * its emulator or fake, its options and how to read its routes back.
 */
export abstract class ControllerScenario {
  readonly name: string;
  readonly namespace: string;
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  readonly objects: KubeObjects;
  private readonly controllers: ScenarioController[] = [];

  constructor(name: string, kubeconfigPath: string) {
    this.name = name;
    this.namespace = name;
    this.kubeconfigPath = kubeconfigPath;
    this.kubeConfig = loadKubeConfig(kubeconfigPath);
    this.objects = new KubeObjects(this.kubeConfig);
  }

  /** The provider name (metrics label) and its command-line options. */
  protected abstract cloud(): { provider: string; options: Record<string, unknown> };

  /** Builds the provider the way production does, but for this scenario's endpoint. */
  protected abstract createProvider(context: ProviderContext): Provider | Promise<Provider>;

  /** Command-line style options for this scenario; tests override what they exercise. */
  options(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      provider: this.cloud().provider,
      clusterId: this.name,
      allowedCidrs: "10.8.0.0/16",
      allowedNamespaces: this.namespace,
      // The real EndpointSlice controller's slices (story tests) and the fixtures' own.
      trustedEndpointSliceManagers: `endpointslice-controller.k8s.io,${fixtureSliceManager}`,
      kubeconfig: this.kubeconfigPath,
      leaderElectNamespace: this.namespace,
      leaderElectLeaseName: "vpc-route-sync",
      leaderElectLeaseDuration: "3s",
      leaderElectRenewDeadline: "2s",
      leaderElectRetryPeriod: "500ms",
      resyncInterval: "2s",
      httpAddress: "127.0.0.1:0",
      logLevel: process.env.VRS_TEST_LOG_LEVEL ?? "silent",
      ...this.cloud().options,
      ...overrides,
    };
  }

  /** Starts an in-process controller with this scenario's options and provider. */
  async startController(overrides: Record<string, unknown> = {}): Promise<ScenarioController> {
    const config = loadConfig({ options: this.options(overrides), env: {} });
    const logger = createLogger({ level: config.log.level });
    const metrics = createMetrics(config.provider, { defaultMetrics: false });
    const passes: PassResult[] = [];
    const running = await startController({
      config,
      kubeConfig: this.kubeConfig,
      provider: await this.createProvider({ config, logger, metrics }),
      metrics,
      logger,
      clock: systemClock,
      onPass: (p) => passes.push(p),
    });
    const controller = { running, metrics, config, passes };
    this.controllers.push(controller);
    return controller;
  }

  /** Replaces the Service's annotations. */
  async setServiceAnnotations(service: string, annotations: Record<string, string>): Promise<void> {
    await this.objects.setServiceAnnotations(this.namespace, service, annotations);
  }

  /** `reason: message` of every Event on the Service. */
  async eventReasons(service: string): Promise<string[]> {
    const list = await this.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: this.namespace });
    return list.items
      .filter((e) => e.involvedObject.name === service)
      .map((e) => `${e.reason}: ${e.message}`);
  }

  /** Polls until `check` passes or the timeout ends; returns the elapsed milliseconds. */
  async eventually(
    check: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (await check()) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
  }

  /** Stops every controller this scenario started, then the cloud side. */
  async tearDown(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.running.stop()));
    await this.closeCloud();
  }

  /** Stops the scenario's own emulator or fake, if it has one. */
  protected async closeCloud(): Promise<void> {}
}
