import { createProvider } from "../../providers/registry.js";
import { systemClock } from "../clock.js";
import type { Config } from "../config/types.js";
import { loadKubeConfig } from "../kube/client/kubeconfig.js";
import { kubeNodeReader, NodeDirectory } from "../kube/nodes.js";
import { listClusterSnapshot } from "../kube/snapshot.js";
import { createLogger } from "../observability/logger.js";
import { planRoutes } from "../planner/plan.js";
import { observe } from "../reconciler/observe.js";
import { planExitCode, planToJson, planToTable } from "./plan-format.js";

/**
 * `vpc-route-sync plan`: one read of the cluster and the cloud, the same planner as the
 * controller, no writes. Exit 0 in sync, 2 drift, 3 conflicts/refusals, 1 error.
 */
export async function runPlan(
  config: Config,
  output: "table" | "json",
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const logger = createLogger({
    level: config.log.level === "info" ? "warn" : config.log.level,
    pretty: true,
  });
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const provider = await createProvider(config, { clock: systemClock, logger });
  const snapshot = await listClusterSnapshot(
    kubeConfig,
    config.allowedNamespaces,
    config.trustedEndpointSliceManagers,
  );
  const nodes = new NodeDirectory(kubeNodeReader(kubeConfig), systemClock);
  const observation = await observe(snapshot, provider, nodes, config, logger);
  const plan = planRoutes(observation.input);
  out.write(
    output === "json"
      ? planToJson(plan, observation.refusals)
      : planToTable(plan, observation.refusals),
  );
  return planExitCode(plan, observation.refusals);
}
