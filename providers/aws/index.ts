import { ConfigError } from "../../src/errors.js";
import type { Provider } from "../types.js";
import { createEc2Client, type Ec2Connection } from "./client.js";
import { type AwsProviderOptions, validateAwsOptions } from "./options.js";
import { buildAwsProvider } from "./provider.js";

export type { AwsCredentialIdentity, AwsProviderOptions, RouteTableTag } from "./options.js";
export { defaultCacheTtlMs } from "./options.js";
export { maxTagsPerResource, ownershipTagPrefix } from "./ownership-tags.js";

/**
 * Creates the AWS provider: VPC route tables programmed to the ENI of the node hosting the VPN
 * Pod, ownership kept in route-table tags, source/destination check reported (and optionally
 * managed). The EC2 client makes one attempt per call; the reconciler's applier retries. The
 * region is settled here, at start-up, so that a missing one stops the controller with the fix
 * instead of failing every call later.
 */
export async function createAwsProvider(options: AwsProviderOptions): Promise<Provider> {
  validateAwsOptions(options);
  const ec2 = createEc2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
  });
  return buildAwsProvider(ec2.port, { ...options, region: await resolveRegion(ec2) });
}

/** The SDK's region lookup, its failure turned into a ConfigError naming every place to set it. */
async function resolveRegion(ec2: Ec2Connection): Promise<string> {
  try {
    return await ec2.region();
  } catch (error) {
    const said = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `no AWS region found (the AWS SDK said: ${said}); set --aws-region (VRS_AWS_REGION or aws.region in the config file), AWS_REGION, or region in the shared AWS config file (~/.aws/config, or AWS_CONFIG_FILE, for the profile in AWS_PROFILE)`,
      { cause: error },
    );
  }
}
