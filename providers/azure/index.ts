import type { Provider } from "../types.js";
import { createAzureSdkPort, type TokenCredential } from "./client.js";
import { type AzureProviderSettings, createAzureProviderFromPort } from "./provider.js";

export type { AzureProviderSettings } from "./provider.js";

/** Everything the Azure provider takes; production sets only the settings and maybe `endpoint`. */
export interface AzureProviderOptions extends AzureProviderSettings {
  /** ARM endpoint (sovereign clouds, the test fake); defaults to https://management.azure.com. */
  readonly endpoint?: string;
  /** Defaults to DefaultAzureCredential, i.e. Azure Workload Identity in the cluster. */
  readonly credential?: TokenCredential;
  /** PEM CA to trust instead of the system store; for the test fake only. */
  readonly caCertificate?: string;
  /** LRO polling interval when ARM sends no Retry-After (SDK default otherwise). */
  readonly pollIntervalMs?: number;
  /** Deadline of one ARM read (default 30 s); a timeout is a TransientError. */
  readonly requestTimeoutMs?: number;
  /** Deadline of one route write including LRO polling (default 5 minutes). */
  readonly operationTimeoutMs?: number;
}

/**
 * Creates the Azure provider: VirtualAppliance routes to the hosting node's InternalIP, one
 * route per PUT/DELETE (serialised per route table), ownership in route names plus route-table
 * tags, and a NIC IP-forwarding check. Only endpoint, credential and CA differ in tests.
 */
export function createAzureProvider(options: AzureProviderOptions): Provider {
  return createAzureProviderFromPort(options, createAzureSdkPort(options));
}
