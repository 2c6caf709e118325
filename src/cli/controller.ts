import { createProvider } from "../../providers/registry.js";
import { systemClock } from "../clock.js";
import type { Config } from "../config/types.js";
import { loadKubeConfig } from "../kube/client/kubeconfig.js";
import { createLogger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import { startController } from "./runtime.js";

/**
 * `vpc-route-sync controller`: runs until SIGTERM/SIGINT (exit 0, lease released) or until
 * leadership is lost (exit 1, so the Pod restarts and campaigns again).
 */
export async function runController(config: Config): Promise<number> {
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  const metrics = createMetrics(config.provider);
  const provider = await createProvider(config, {
    clock: systemClock,
    logger,
    calls: metrics.callObserver,
  });
  const controller = await startController({
    config,
    kubeConfig: loadKubeConfig(config.kubeconfig),
    provider,
    metrics,
    logger,
    clock: systemClock,
  });
  logger.info(
    {
      provider: config.provider,
      clusterId: config.clusterId,
      dryRun: config.dryRun,
      identity: config.leaderElection.identity,
    },
    "controller started",
  );
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    void controller.stop();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return await controller.done;
}
