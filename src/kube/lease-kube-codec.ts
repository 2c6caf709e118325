import { TransientError } from "../errors.js";
import type { KubeLease } from "./client/types.js";
import type { LeaseRecord } from "./lease-store.js";

/** A MicroTime as the API server wants it: RFC 3339 with six fractional digits. */
function toMicroTime(date: Date | undefined): string | undefined {
  return date?.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** The Lease spec for a record. */
export function toLeaseSpec(
  record: Omit<LeaseRecord, "resourceVersion">,
): NonNullable<KubeLease["spec"]> {
  return {
    holderIdentity: record.holderIdentity ?? "",
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: toMicroTime(record.acquireTime),
    renewTime: toMicroTime(record.renewTime),
    leaseTransitions: record.leaseTransitions,
  };
}

/** The record for a Lease read from or written to the API server. */
export function toLeaseRecord(lease: KubeLease, where: string): LeaseRecord {
  const resourceVersion = lease.metadata?.resourceVersion;
  if (resourceVersion === undefined) {
    throw new TransientError(`${where} came back without metadata.resourceVersion`);
  }
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity === "" ? undefined : spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: toDate(spec.acquireTime),
    renewTime: toDate(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
    resourceVersion,
  };
}

function toDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
