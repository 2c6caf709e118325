import {
  ApiException,
  type ConfigurationOptions,
  CoordinationV1Api,
  type KubeConfig,
  Observable,
  type V1Lease,
} from "@kubernetes/client-node";
import { classifyLeaseError, toLeaseRecord, toLeaseSpec } from "./lease-kube-codec.js";

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

/**
 * A LeaseStore backed by one Lease in the Kubernetes API. Every request carries its own timeout,
 * so a hung API server fails the attempt instead of stalling renewal past the renew deadline.
 */
export function kubeLeaseStore(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  options: { requestTimeoutMs?: number } = {},
): LeaseStore {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const where = `lease ${namespace}/${name}`;
  /** Last Lease read or written, so an update keeps metadata and spec fields we do not model. */
  let last: V1Lease | undefined;
  const remember = (lease: V1Lease): LeaseRecord => {
    last = lease;
    return toLeaseRecord(lease, where);
  };
  return {
    async get() {
      try {
        return remember(await api.readNamespacedLease({ namespace, name }, withTimeout(timeoutMs)));
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw classifyLeaseError(error, `reading ${where}`, timeoutMs);
      }
    },
    async create(record) {
      const body: V1Lease = { metadata: { name, namespace }, spec: toLeaseSpec(record) };
      try {
        return remember(
          await api.createNamespacedLease({ namespace, body }, withTimeout(timeoutMs)),
        );
      } catch (error) {
        throw classifyLeaseError(error, `creating ${where}`, timeoutMs);
      }
    },
    async update(record) {
      const base = last?.metadata?.resourceVersion === record.resourceVersion ? last : undefined;
      const body: V1Lease = {
        metadata: { ...base?.metadata, name, namespace, resourceVersion: record.resourceVersion },
        spec: { ...base?.spec, ...toLeaseSpec(record) },
      };
      try {
        const lease = await api.replaceNamespacedLease(
          { namespace, name, body },
          withTimeout(timeoutMs),
        );
        return remember(lease);
      } catch (error) {
        throw classifyLeaseError(error, `updating ${where}`, timeoutMs);
      }
    },
  };
}

/** Per-request options that abort the HTTP exchange (headers and body) after `ms`. */
function withTimeout(ms: number): ConfigurationOptions {
  return {
    middlewareMergeStrategy: "append",
    middleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
  };
}
