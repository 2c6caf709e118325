import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { FaultInjector, type FaultSpec } from "./faults.js";
import { type CallRecord, createRequestListener } from "./front-door.js";
import type { FakeAzureSettings } from "./handler.js";
import type {
  NetworkInterfaceSeed,
  RouteTableSeed,
  VirtualMachineSeed,
  VirtualNetworkSeed,
} from "./model.js";
import type { OperationName } from "./router.js";
import { FakeAzureStore, type RouteTableSnapshot } from "./store.js";
import { generateTestTls } from "./tls.js";

export type { FaultSpec } from "./faults.js";
export type { CallRecord } from "./front-door.js";
export type { OperationName } from "./router.js";

/** Options of the fake; every one has a test-friendly default. */
export interface FakeAzureOptions {
  /** How long a route write stays InProgress (default 30 ms). */
  readonly operationDurationMs?: number;
  /** Retry-After seconds on LRO responses (default none; real ARM sends some). */
  readonly lroRetryAfterSeconds?: number;
  /** Whether writes honour If-Match (default false: the specs declare none; see handler.ts). */
  readonly honourIfMatch?: boolean;
  /** Clock for operation completion; defaults to `performance.now()`. */
  readonly now?: () => number;
}

/**
 * A local HTTPS fake of the Azure Resource Manager operations vpc-route-sync uses (route tables,
 * routes with long-running writes, NICs, VMs, VNets, async-operation polling), because no Azure
 * emulator exists. The real `@azure/arm-network` client talks to it with only endpoint,
 * credential and CA changed; tests seed, inspect, count calls and inject faults in-process.
 */
export class FakeAzure {
  readonly endpoint: string;
  /** PEM of the CA that signed the server certificate: the only CA clients should trust. */
  readonly caCertificate: string;
  /** Mutable knobs (operation duration, LRO Retry-After), read on every request. */
  readonly settings: FakeAzureSettings;
  private readonly store: FakeAzureStore;
  private readonly faults = new FaultInjector();
  private readonly log: CallRecord[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server, caCertificate: string, options: FakeAzureOptions) {
    this.server = server;
    this.caCertificate = caCertificate;
    const address = server.address();
    if (address === null || typeof address === "string") {
      throw new Error("the fake ARM server has no TCP address");
    }
    this.endpoint = `https://127.0.0.1:${address.port}`;
    this.store = new FakeAzureStore(options.now ?? (() => performance.now()));
    this.settings = {
      operationDurationMs: options.operationDurationMs ?? 30,
      lroRetryAfterSeconds: options.lroRetryAfterSeconds,
      honourIfMatch: options.honourIfMatch ?? false,
      busyTable: "conflict",
      deleteLroHeaders: "both",
      routesPageSize: undefined,
    };
    const endpoint = this.endpoint;
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    server.on(
      "request",
      createRequestListener({
        store: this.store,
        faults: this.faults,
        log: this.log,
        settings: this.settings,
        endpoint: () => endpoint,
      }),
    );
  }

  /** Generates a CA and server certificate with openssl, then listens on a free loopback port. */
  static async start(options: FakeAzureOptions = {}): Promise<FakeAzure> {
    const tls = await generateTestTls();
    const server = createServer({ cert: tls.cert, key: tls.key });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return new FakeAzure(server, tls.ca, options);
  }

  /** Stops listening and drops every connection, idle, busy or still in its TLS handshake. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** Creates or replaces a route table. */
  seedRouteTable(seed: RouteTableSeed): void {
    this.store.seedRouteTable(seed);
  }

  /** Creates or replaces a VNet; its subnets link route tables to it. */
  seedVirtualNetwork(seed: VirtualNetworkSeed): void {
    this.store.seedVirtualNetwork(seed);
  }

  /** Creates or replaces a NIC. */
  seedNetworkInterface(seed: NetworkInterfaceSeed): void {
    this.store.seedNetworkInterface(seed);
  }

  /** Creates or replaces a standalone VM. */
  seedVirtualMachine(seed: VirtualMachineSeed): void {
    this.store.seedVirtualMachine(seed);
  }

  /** The route table as it is now (finished operations applied), or undefined. */
  routeTable(id: string): RouteTableSnapshot | undefined {
    return this.store.snapshot(id);
  }

  /** Arms a fault: the next N calls of an operation, or each with a seeded probability. */
  injectFault(spec: FaultSpec): void {
    this.faults.add(spec);
  }

  /** Disarms every fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** How many requests reached `operation` (all requests when omitted). */
  calls(operation?: OperationName | "unknown"): number {
    if (operation === undefined) return this.log.length;
    return this.log.filter((call) => call.operation === operation).length;
  }

  /** Every request so far, oldest first. */
  callLog(): readonly CallRecord[] {
    return [...this.log];
  }

  /** Forgets the call log (state and faults stay). */
  resetCalls(): void {
    this.log.length = 0;
  }
}
