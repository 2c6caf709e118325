import type { Provider } from "../types.js";
import { createEc2Port } from "./client.js";
import { type AwsProviderOptions, validateAwsOptions } from "./options.js";
import { buildAwsProvider } from "./provider.js";

export type { AwsCredentialIdentity, AwsProviderOptions, RouteTableTag } from "./options.js";
export { defaultCacheTtlMs } from "./options.js";
export { maxTagsPerResource, ownershipTagPrefix } from "./ownership-tags.js";

/**
 * Creates the AWS provider: VPC route tables programmed to the ENI of the node hosting the VPN
 * Pod, ownership kept in route-table tags, source/destination check reported (and optionally
 * managed). The EC2 client makes one attempt per call; the reconciler's applier retries.
 */
export function createAwsProvider(options: AwsProviderOptions): Provider {
  validateAwsOptions(options);
  return buildAwsProvider(
    createEc2Port({
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
    }),
    options,
  );
}
