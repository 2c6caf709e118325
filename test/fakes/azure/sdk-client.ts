import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
} from "@azure/core-rest-pipeline";
import type { FakeAzure } from "./fake-azure.js";

/**
 * A TokenCredential that hands out a fixed bearer token. Production uses DefaultAzureCredential
 * (Azure Workload Identity); the fake only checks that a bearer token is present.
 */
export const fakeCredential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({
    token: "fake-arm-token",
    expiresOnTimestamp: Date.now() + 3_600_000,
  }),
};

/**
 * The real SDK client pointed at the fake: only `endpoint`, the credential and the trusted CA
 * (`tlsOptions.ca`, applied per request by the pipeline's TLS policy, so nothing global changes)
 * differ from production. `maxRetries` defaults to 0 so tests see each ARM answer as the SDK
 * surfaces it.
 */
export function fakeNetworkClient(
  fake: FakeAzure,
  subscriptionId: string,
  options: { maxRetries?: number } = {},
): NetworkManagementClient {
  return new NetworkManagementClient(fakeCredential, subscriptionId, {
    endpoint: fake.endpoint,
    tlsOptions: { ca: fake.caCertificate },
    retryOptions: { maxRetries: options.maxRetries ?? 0 },
  });
}

/** The real Tags API client (`@azure/arm-resources`) pointed at the fake, like fakeNetworkClient. */
export function fakeResourcesClient(
  fake: FakeAzure,
  subscriptionId: string,
): ResourceManagementClient {
  return new ResourceManagementClient(fakeCredential, subscriptionId, {
    endpoint: fake.endpoint,
    tlsOptions: { ca: fake.caCertificate },
    retryOptions: { maxRetries: 0 },
  });
}

/** A raw ARM response, for asserting wire details the SDK models hide (headers, LRO bodies). */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * Sends one request through the SDK client's own pipeline (bearer token, TLS trust), as the
 * SDK would, but returns the raw status, headers and JSON body.
 */
export async function sendRaw(
  client: NetworkManagementClient,
  method: "GET" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body?: unknown,
): Promise<RawResponse> {
  const request = createPipelineRequest({
    url,
    method,
    headers: createHttpHeaders({ accept: "application/json", "content-type": "application/json" }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await client.pipeline.sendRequest(createDefaultHttpClient(), request);
  return {
    status: response.status,
    headers: response.headers.toJSON(),
    body: response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : undefined,
  };
}
