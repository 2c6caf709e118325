/**
 * Shared set-up for the fake's own tests: one fake with a small seeded VPC, the real SDK clients
 * pointed at it, and helpers to read errors the way the SDK surfaces them.
 */
import {
  GlobalOperationsClient,
  InstancesClient,
  NetworksClient,
  RoutesClient,
  SubnetworksClient,
} from "@google-cloud/compute";
import { isRecord } from "./http-io.js";
import { sdkOptions } from "./sdk-options.js";
import { type FakeCompute, type FakeComputeOptions, startFakeCompute } from "./server.js";

/** Real SDK clients (REST transport) against the fake. */
export interface SdkClients {
  readonly routes: RoutesClient;
  readonly operations: GlobalOperationsClient;
  readonly instances: InstancesClient;
  readonly networks: NetworksClient;
  readonly subnetworks: SubnetworksClient;
  close(): Promise<void>;
}

/** A fake with network `vpc` (subnet 10.0.0.0/20 + pods 10.4.0.0/14), and instances `node-a`, `node-b`. */
export async function startSeededFake(options: FakeComputeOptions = {}): Promise<FakeCompute> {
  const fake = await startFakeCompute(options);
  const { control } = fake;
  control.seedNetwork({ name: "vpc" });
  control.seedNetwork({ name: "other" });
  control.seedSubnetwork({
    name: "nodes",
    region: "europe-west1",
    network: "vpc",
    ipCidrRange: "10.0.0.0/20",
    secondaryIpRanges: [{ rangeName: "pods", ipCidrRange: "10.4.0.0/14" }],
  });
  control.seedInstance({
    name: "node-a",
    zone: "europe-west1-b",
    network: "vpc",
    networkIP: "10.0.0.2",
  });
  control.seedInstance({
    name: "node-b",
    zone: "europe-west1-c",
    network: "vpc",
    networkIP: "10.0.0.3",
    ipv6Address: "fd20:1:2:3:0:0:0:3",
  });
  return fake;
}

/** Creates every client the provider uses, all pointed at `fake`. */
export function sdkClients(fake: FakeCompute): SdkClients {
  const routes = new RoutesClient(sdkOptions(fake));
  const operations = new GlobalOperationsClient(sdkOptions(fake));
  const instances = new InstancesClient(sdkOptions(fake));
  const networks = new NetworksClient(sdkOptions(fake));
  const subnetworks = new SubnetworksClient(sdkOptions(fake));
  return {
    routes,
    operations,
    instances,
    networks,
    subnetworks,
    close: async () => {
      await Promise.all([
        routes.close(),
        operations.close(),
        instances.close(),
        networks.close(),
        subnetworks.close(),
      ]);
    },
  };
}

/** Polls globalOperations.wait until the operation is DONE (the way a careful client must). */
export async function waitUntilDone(clients: SdkClients, project: string, operation: string) {
  for (let i = 0; i < 200; i++) {
    const [current] = await clients.operations.wait({ project, operation });
    if (current.status === "DONE") return current;
  }
  throw new Error(`operation ${operation} never reached DONE`);
}

/** What a rejected SDK call carried: gRPC code, HTTP status, ErrorInfo reason, raw `errors[].reason`. */
export function sdkFailure(error: unknown) {
  if (!(error instanceof Error)) throw new Error(`not an Error: ${String(error)}`);
  const fields = error as Error & {
    code?: unknown;
    httpStatusCode?: unknown;
    reason?: unknown;
    statusDetails?: unknown;
  };
  const raw: unknown = Reflect.get(error, Symbol.for("google-gax.rawHttpResponsePayload"));
  let body: unknown;
  try {
    body = typeof raw === "string" ? JSON.parse(raw) : undefined;
  } catch {
    body = undefined;
  }
  const inner = isRecord(body) && isRecord(body.error) ? body.error : {};
  const first = Array.isArray(inner.errors) ? inner.errors[0] : undefined;
  return {
    message: error.message,
    code: fields.code,
    httpStatusCode: fields.httpStatusCode,
    reason: fields.reason,
    statusDetails: fields.statusDetails,
    body: inner,
    errorsReason: isRecord(first) ? first.reason : undefined,
  };
}

/** Runs `call`, expecting it to reject; returns what the SDK surfaced. */
export async function failureOf(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    return sdkFailure(error);
  }
  throw new Error("expected the call to fail");
}
