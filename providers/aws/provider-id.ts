/** The EC2 instance a Kubernetes node runs on, as its `spec.providerID` names it. */
export interface AwsInstanceRef {
  /** Availability zone, when the providerID carries one. */
  readonly zone: string | undefined;
  readonly instanceId: string;
}

const providerIdPattern = /^aws:\/\/\/?(?:([a-z0-9-]*)\/)?(i-[0-9a-f]+)$/;

/**
 * Parses `aws:///us-east-1a/i-0abc` (the cloud provider's form) and tolerates
 * `aws://us-east-1a/i-0abc`. Undefined for anything else (Fargate, other clouds, typos), so the
 * caller falls back to looking the node up by its InternalIP instead of failing.
 */
export function parseAwsProviderId(providerId: string | undefined): AwsInstanceRef | undefined {
  if (providerId === undefined) return undefined;
  const match = providerIdPattern.exec(providerId.trim());
  if (match === null) return undefined;
  const [, zone, instanceId] = match;
  if (instanceId === undefined) return undefined;
  return { zone: zone === undefined || zone === "" ? undefined : zone, instanceId };
}
