import { randomUUID } from "node:crypto";

/** Running or terminal status of an ARM asynchronous operation (the RPC's three terminal states). */
export type OperationStatus = "InProgress" | TerminalStatus;

/** How an asynchronous operation ends. */
export type TerminalStatus = "Succeeded" | "Failed" | "Canceled";

/** An error an asynchronous operation ends with: `Failed` unless `status` says `Canceled`. */
export interface OperationError {
  readonly code: string;
  readonly message: string;
  readonly status?: "Failed" | "Canceled";
}

/** One long-running write, tracked until its completion time has passed. */
export interface AsyncOperation {
  readonly id: string;
  readonly subscriptionId: string;
  readonly location: string;
  /** Key of the resource it locks (the route table): other writes to it answer 409 meanwhile. */
  readonly lockKey: string;
  readonly startTime: Date;
  readonly doneAt: number;
  readonly failure: OperationError | undefined;
  status: OperationStatus;
  endTime: Date | undefined;
}

/** What a handler passes to start an operation; `finish` applies its effect when it ends. */
export interface OperationStart {
  readonly subscriptionId: string;
  readonly location: string;
  readonly lockKey: string;
  readonly durationMs: number;
  readonly failure: OperationError | undefined;
  readonly finish: (status: TerminalStatus) => void;
}

/**
 * The asynchronous operations of the fake network provider. Completion is lazy and clock-driven:
 * every request first calls `settle`, so no timers run and state is deterministic under a
 * controlled clock. Follows "Track asynchronous Azure operations"
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations).
 */
export class OperationBook {
  private readonly operations = new Map<string, AsyncOperation>();
  private readonly finishers = new Map<string, OperationStart["finish"]>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Registers a running operation on `lockKey`. */
  start(input: OperationStart): AsyncOperation {
    const now = this.now();
    const operation: AsyncOperation = {
      id: randomUUID(),
      subscriptionId: input.subscriptionId,
      location: input.location,
      lockKey: input.lockKey,
      startTime: new Date(now),
      doneAt: now + input.durationMs,
      failure: input.failure,
      status: "InProgress",
      endTime: undefined,
    };
    this.operations.set(operation.id, operation);
    this.finishers.set(operation.id, input.finish);
    return operation;
  }

  /** Ends every operation whose time has come, applying its effect. */
  settle(): void {
    const now = this.now();
    for (const operation of this.operations.values()) {
      if (operation.status !== "InProgress" || operation.doneAt > now) continue;
      const status = operation.failure ? (operation.failure.status ?? "Failed") : "Succeeded";
      operation.status = status;
      operation.endTime = new Date(now);
      this.finishers.get(operation.id)?.(status);
      this.finishers.delete(operation.id);
    }
  }

  /** Drops the running operations on `lockKey` without applying them (the resource was reseeded). */
  forget(lockKey: string): void {
    for (const operation of this.operations.values()) {
      if (operation.lockKey !== lockKey || operation.status !== "InProgress") continue;
      operation.status = "Canceled";
      this.finishers.delete(operation.id);
    }
  }

  /** The running operation that holds `lockKey`, if any. */
  running(lockKey: string): AsyncOperation | undefined {
    for (const operation of this.operations.values()) {
      if (operation.lockKey === lockKey && operation.status === "InProgress") return operation;
    }
    return undefined;
  }

  /** Looks an operation up by id (case-insensitive, as ids travel in URLs). */
  get(id: string): AsyncOperation | undefined {
    return this.operations.get(id.toLowerCase());
  }
}

/** Path of the Azure-AsyncOperation status resource of `operation`. */
export function operationStatusPath(operation: AsyncOperation): string {
  return `/subscriptions/${operation.subscriptionId}/providers/Microsoft.Network/locations/${operation.location}/operations/${operation.id}`;
}

/** Path of the Location (operation result) resource of `operation`. */
export function operationResultPath(operation: AsyncOperation): string {
  return `/subscriptions/${operation.subscriptionId}/providers/Microsoft.Network/locations/${operation.location}/operationResults/${operation.id}`;
}

/** The status body ARM returns from the Azure-AsyncOperation URL. */
export function operationStatusBody(operation: AsyncOperation): Record<string, unknown> {
  return {
    id: operationStatusPath(operation),
    name: operation.id,
    status: operation.status,
    startTime: operation.startTime.toISOString(),
    ...(operation.endTime ? { endTime: operation.endTime.toISOString() } : {}),
    ...(operation.status !== "Succeeded" && operation.failure
      ? { error: { code: operation.failure.code, message: operation.failure.message } }
      : {}),
  };
}
