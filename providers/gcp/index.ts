import type { Provider } from "../types.js";
import { createGcpSdkPort, type GcpAuthClient } from "./client.js";
import { createGcpProviderFromPort, type GcpProviderSettings } from "./provider.js";

/** Re-exported so callers (tests) can type `authClient` and settings without reaching inside. */
export type { GcpAuthClient } from "./client.js";
export type { GcpProviderSettings } from "./provider.js";

/** Everything the GCP provider takes; production sets only the settings. */
export interface GcpProviderOptions extends GcpProviderSettings {
  /** Compute API base URL, e.g. `http://127.0.0.1:8080` (tests only; default compute.googleapis.com). */
  readonly endpoint?: string;
  /** Tests only. Production uses Application Default Credentials (GKE Workload Identity). */
  readonly authClient?: GcpAuthClient;
  /** Bound of one HTTP call other than operation waits (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/**
 * Creates the GCP provider: the VPC network as the one route table, `nextHopInstance` routes
 * owned through name + description markers, make-before-break moves with requestId idempotency,
 * canIpForward reported. Tests change only `endpoint` and `authClient`.
 */
export function createGcpProvider(options: GcpProviderOptions): Provider {
  return createGcpProviderFromPort(options, createGcpSdkPort(options));
}
