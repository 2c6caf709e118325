import { startAgent } from "../agent/agent.js";
import { execFileRunner } from "../agent/command-runner.js";
import { createAgentMetrics } from "../agent/metrics.js";
import type { AgentOptions } from "../agent/options.js";
import { systemClock } from "../clock.js";
import { loadKubeConfig } from "../kube/kubeconfig.js";
import { createLogger } from "../observability/logger.js";

/**
 * `vpc-route-sync agent`: runs on every node (DaemonSet, hostNetwork, NET_ADMIN) until
 * SIGTERM/SIGINT, then exits 0 leaving routes and rules in place, so a rolling update never
 * interrupts VPN traffic.
 */
export async function runAgent(options: AgentOptions): Promise<number> {
  const logger = createLogger({ level: options.log.level, pretty: options.log.pretty });
  const agent = await startAgent({
    options,
    kubeConfig: loadKubeConfig(options.kubeconfig),
    runner: execFileRunner(),
    logger,
    metrics: createAgentMetrics(),
    clock: systemClock,
  });
  logger.info(
    {
      node: options.nodeName,
      mode: options.mode,
      masquerade: options.masquerade,
      routeProtocol: options.routeProtocol,
      healthPort: agent.healthPort,
    },
    "agent started",
  );
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    void agent.stop();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return await agent.done;
}
