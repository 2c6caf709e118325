import type { Clock } from "../src/clock.js";
import type { Config } from "../src/config/types.js";
import { ConfigError } from "../src/errors.js";
import type { Logger } from "../src/observability/logger.js";
import type { CallObserver, Provider } from "./types.js";

/** What every provider factory receives besides the configuration. */
export interface ProviderDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly calls?: CallObserver;
}

/**
 * Each factory imports its provider (and so its cloud SDK) only when chosen: the three SDKs
 * together cost over 300 MB of memory, one alone a third of that.
 */
type Factory = (config: Config, deps: ProviderDeps) => Promise<Provider>;

const factories: Record<Config["provider"], Factory> = {
  aws: async (config, deps) => {
    const { createAwsProvider } = await import("./aws/index.js");
    return await createAwsProvider({
      clusterId: config.clusterId,
      region: config.aws.region,
      endpoint: config.aws.endpoint,
      routeTableIds: config.aws.routeTableIds,
      routeTableTags: config.aws.routeTableTags,
      manageSourceDestCheck: config.aws.manageSourceDestCheck,
      clock: deps.clock,
      logger: deps.logger.child({ component: "aws" }),
      calls: deps.calls,
    });
  },
  gcp: async (config, deps) => {
    const { project, network } = config.gcp;
    if (project === undefined || network === undefined) {
      throw new ConfigError("--gcp-project and --gcp-network are required with --provider gcp");
    }
    const { createGcpProvider } = await import("./gcp/index.js");
    return createGcpProvider({
      clusterId: config.clusterId,
      project,
      network,
      routePriority: config.gcp.routePriority,
      endpoint: config.gcp.endpoint,
      clock: deps.clock,
      logger: deps.logger.child({ component: "gcp" }),
      calls: deps.calls,
    });
  },
  azure: async (config, deps) =>
    (await import("./azure/index.js")).createAzureProvider({
      clusterId: config.clusterId,
      routeTableIds: config.azure.routeTableIds,
      endpoint: config.azure.endpoint,
      clock: deps.clock,
      logger: deps.logger.child({ component: "azure" }),
      calls: deps.calls,
    }),
};

/** Maps the configured provider name to its factory; the only place that knows every provider. */
export async function createProvider(config: Config, deps: ProviderDeps): Promise<Provider> {
  return await factories[config.provider](config, deps);
}
