import { ApiException, type V1Lease, V1MicroTime } from "@kubernetes/client-node";
import {
  ConflictError,
  errorMessage,
  NotFoundError,
  PermanentError,
  TransientError,
} from "../errors.js";
import type { LeaseRecord } from "./lease-store.js";

/** The Lease spec for a record; MicroTime must be sent with six fractional digits. */
export function toLeaseSpec(
  record: Omit<LeaseRecord, "resourceVersion">,
): NonNullable<V1Lease["spec"]> {
  const micro = (date: Date | undefined) => (date ? new V1MicroTime(date.getTime()) : undefined);
  return {
    holderIdentity: record.holderIdentity ?? "",
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: micro(record.acquireTime),
    renewTime: micro(record.renewTime),
    leaseTransitions: record.leaseTransitions,
  };
}

/** The record for a Lease read from or written to the API server. */
export function toLeaseRecord(lease: V1Lease, where: string): LeaseRecord {
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

/** The generated client leaves MicroTime fields as strings despite their declared type. */
function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  return typeof value === "string" ? new Date(value) : undefined;
}

/** Maps a client error to the typed errors the elector and operators understand. */
export function classifyLeaseError(error: unknown, doing: string, timeoutMs: number): Error {
  if (error instanceof ApiException) {
    const detail = statusMessage(error.body) ?? `HTTP ${error.code}`;
    const message = `${doing} failed: ${detail}`;
    const code: number = error.code;
    if (code === 409) return new ConflictError(message, { cause: error });
    if (code === 404) return new NotFoundError(message, { cause: error });
    if (code === 401 || code === 403) {
      return new PermanentError(
        `${message}; grant get, create and update on leases.coordination.k8s.io to the controller`,
        { cause: error },
      );
    }
    return new TransientError(message, { cause: error });
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new TransientError(`${doing} timed out after ${timeoutMs} ms`, { cause: error });
  }
  return new TransientError(`${doing} failed: ${errorMessage(error)}`, { cause: error });
}

/** The API server's Status message; the generated client hands error bodies over as raw text. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() || undefined;
    }
  }
  if (typeof parsed !== "object" || parsed === null || !("message" in parsed)) return undefined;
  return typeof parsed.message === "string" ? parsed.message : undefined;
}
