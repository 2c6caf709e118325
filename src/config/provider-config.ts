import { defaults } from "./defaults.js";
import type { Problems } from "./problems.js";
import type { SettingReader } from "./reader.js";
import { unsetLabel } from "./setting.js";
import { settings } from "./settings.js";
import type { AwsConfig, AzureConfig, GcpConfig, ProviderName } from "./types.js";

/** The per-cloud blocks of Config. */
export interface ProviderConfigs {
  aws: AwsConfig;
  gcp: GcpConfig;
  azure: AzureConfig;
}

/**
 * Reads every cloud's settings (a typo is reported whichever provider is chosen) and requires
 * only the chosen provider's: the route tables to manage must be named, never guessed.
 */
export function readProviderConfigs(
  reader: SettingReader,
  problems: Problems,
  provider: ProviderName | undefined,
): ProviderConfigs {
  const routeTableIds = reader.read(settings.awsRouteTableIds);
  const routeTableTags = reader.read(settings.awsRouteTableTags);
  if (
    provider === "aws" &&
    !reader.isSet(settings.awsRouteTableIds) &&
    !reader.isSet(settings.awsRouteTableTags)
  ) {
    problems.add(
      `${unsetLabel(settings.awsRouteTableIds)} or ${unsetLabel(settings.awsRouteTableTags)}`,
      "one is required with provider aws; name the route tables to manage, e.g. --aws-route-table-ids rtb-0123456789abcdef0 or --aws-route-table-tags vpc-route-sync=enabled",
    );
  }
  const gcp = provider === "gcp";
  const project = gcp
    ? reader.require(settings.gcpProject, "set the project that holds the VPC network")
    : reader.read(settings.gcpProject);
  const network = gcp
    ? reader.require(settings.gcpNetwork, "set the VPC network's name, e.g. default")
    : reader.read(settings.gcpNetwork);
  const azureIds =
    provider === "azure"
      ? reader.require(
          settings.azureRouteTableIds,
          "list the resource ids of the route tables to manage",
        )
      : reader.read(settings.azureRouteTableIds);
  return {
    aws: {
      region: reader.read(settings.awsRegion)?.value,
      endpoint: reader.read(settings.awsEndpoint)?.value,
      routeTableIds: routeTableIds?.value ?? [],
      routeTableTags: routeTableTags?.value ?? [],
      manageSourceDestCheck:
        reader.read(settings.awsManageSourceDestCheck)?.value ?? defaults.awsManageSourceDestCheck,
    },
    gcp: {
      project: project?.value,
      network: network?.value,
      endpoint: reader.read(settings.gcpEndpoint)?.value,
      routePriority: reader.read(settings.gcpRoutePriority)?.value ?? defaults.gcpRoutePriority,
    },
    azure: {
      routeTableIds: azureIds?.value ?? [],
      endpoint: reader.read(settings.azureEndpoint)?.value,
    },
  };
}
