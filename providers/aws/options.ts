import type { Clock } from "../../src/clock.js";
import { ConfigError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import type { CallObserver } from "../types.js";
import { clusterIdProblem } from "./ownership-tags.js";

/**
 * Static AWS credentials, shaped like the SDK's `AwsCredentialIdentity` (declared here so that
 * only client.ts imports AWS packages). Tests only: production uses the SDK's default chain.
 */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A route-table tag selector: tables carrying `key=value` are managed. */
export interface RouteTableTag {
  readonly key: string;
  readonly value: string;
}

/** Everything the AWS provider needs, all passed in (clock, logger, observer) so tests control it. */
export interface AwsProviderOptions {
  /** Written into every ownership tag, so two clusters in one VPC never touch each other's routes. */
  readonly clusterId: string;
  /** Undefined: the AWS SDK's own lookup (AWS_REGION, the shared config file, instance metadata). */
  readonly region?: string | undefined;
  /** `--aws-endpoint`; undefined: the SDK's endpoint chain (AWS_ENDPOINT_URL_EC2, ...). */
  readonly endpoint?: string | undefined;
  /** Explicit route tables; each must exist, or listing fails with a PermanentError naming it. */
  readonly routeTableIds: readonly string[];
  /**
   * Tag selectors, ANDed like EC2 filters (a table must carry all of them; several values for
   * one key are ORed). Tables selected by ids and by tags are united.
   */
  readonly routeTableTags: readonly RouteTableTag[];
  /** Allows the controller to turn off source/destination check on the target ENI. */
  readonly manageSourceDestCheck: boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Told about every EC2 call: operation, outcome and duration. */
  readonly calls?: CallObserver;
  /** Tests only; production uses the AWS default chain (IRSA / EKS Pod Identity / instance profile). */
  readonly credentials?: AwsCredentialIdentity;
  /** How long ENI and VPC lookups are reused; default 10 minutes. */
  readonly cacheTtlMs?: number;
}

/** Default lifetime of ENI/VPC lookups: long enough that steady state makes no lookups. */
export const defaultCacheTtlMs = 10 * 60 * 1000;

/** Checks the options once at start-up, so a bad setting is a ConfigError naming it, not a 400 later. */
export function validateAwsOptions(options: AwsProviderOptions): void {
  const problems: string[] = [];
  const clusterProblem = clusterIdProblem(options.clusterId);
  if (clusterProblem !== undefined) problems.push(`clusterId: ${clusterProblem}`);
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(options.region)) {
    problems.push(
      `region ${JSON.stringify(options.region)} is not an AWS region such as us-east-1; fix --aws-region, AWS_REGION or the shared config file's region`,
    );
  }
  if (options.routeTableIds.length === 0 && options.routeTableTags.length === 0) {
    problems.push("no route tables selected; set routeTableIds and/or routeTableTags");
  }
  for (const id of options.routeTableIds) {
    if (!/^rtb-[0-9a-f]+$/.test(id)) {
      problems.push(`routeTableIds: ${JSON.stringify(id)} is not a route table id (rtb-...)`);
    }
  }
  for (const tag of options.routeTableTags) {
    if (tag.key.trim() === "") problems.push("routeTableTags: a tag key is empty");
  }
  const ttl = options.cacheTtlMs;
  if (ttl !== undefined && !(Number.isFinite(ttl) && ttl >= 0)) {
    problems.push(`cacheTtlMs must be a non-negative number of milliseconds, not ${ttl}`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid AWS provider settings: ${problems.join("; ")}`);
  }
}
