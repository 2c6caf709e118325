import { isNotFound } from "../errors.js";
import { type KubeSource, kubeClientFor } from "./client/client.js";
import type { KubeLease } from "./client/types.js";
import { toLeaseRecord, toLeaseSpec } from "./lease-kube-codec.js";

/** The fields of a coordination.k8s.io/v1 Lease that leader election reads and writes. */
export interface LeaseRecord {
  holderIdentity: string | undefined;
  leaseDurationSeconds: number;
  acquireTime: Date | undefined;
  renewTime: Date | undefined;
  leaseTransitions: number;
  /** Optimistic-concurrency token: an update based on an older version must fail. */
  resourceVersion: string;
}

/**
 * The narrow port between the elector and wherever the lease lives, so the election logic is
 * tested against an in-memory store and a fake clock. `create` and `update` throw ConflictError
 * when someone else wrote first (409); that is how two candidates learn who won a round.
 */
export interface LeaseStore {
  get(): Promise<LeaseRecord | undefined>;
  create(record: Omit<LeaseRecord, "resourceVersion">): Promise<LeaseRecord>;
  update(record: LeaseRecord): Promise<LeaseRecord>;
}

/** Bound on one API request unless told otherwise: a bit over client-go's 2 s retry period. */
const defaultRequestTimeoutMs = 5_000;

const forbiddenHint =
  "grant get, create and update on leases.coordination.k8s.io to the controller";

/**
 * A LeaseStore backed by one Lease in the Kubernetes API. Every request carries its own timeout,
 * so a hung API server fails the attempt instead of stalling renewal past the renew deadline.
 * 409 becomes ConflictError, 401/403 PermanentError, anything else TransientError.
 */
export function kubeLeaseStore(
  kubeConfig: KubeSource,
  namespace: string,
  name: string,
  options: { requestTimeoutMs?: number } = {},
): LeaseStore {
  const client = kubeClientFor(kubeConfig);
  const timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const where = `lease ${namespace}/${name}`;
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
  const call = (what: string) => ({ what: `${what} ${where}`, timeoutMs, forbiddenHint });
  /** Last Lease read or written, so an update keeps metadata and spec fields we do not model. */
  let last: KubeLease | undefined;
  const remember = (lease: KubeLease): LeaseRecord => {
    last = lease;
    return toLeaseRecord(lease, where);
  };
  return {
    async get() {
      try {
        return remember(await client.get<KubeLease>(`${collection}/${name}`, call("reading")));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async create(record) {
      const body: KubeLease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec: toLeaseSpec(record),
      };
      return remember(await client.create<KubeLease>(collection, body, call("creating")));
    },
    async update(record) {
      const base = last?.metadata?.resourceVersion === record.resourceVersion ? last : undefined;
      const body: KubeLease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { ...base?.metadata, name, namespace, resourceVersion: record.resourceVersion },
        spec: { ...base?.spec, ...toLeaseSpec(record) },
      };
      const lease = await client.replace<KubeLease>(
        `${collection}/${name}`,
        body,
        call("updating"),
      );
      return remember(lease);
    },
  };
}
