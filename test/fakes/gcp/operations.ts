/**
 * Global operations: the lifecycle PENDING -> RUNNING -> DONE of every write, and the two ways
 * to observe it. Follows https://cloud.google.com/compute/docs/reference/rest/v1/globalOperations
 * (`get`: GET .../global/operations/{operation}; `wait`: POST .../{operation}/wait, which blocks
 * until DONE or its deadline — about 2 minutes for real, `waitMaxMs` here — and may answer with a
 * PENDING/RUNNING operation) and the Operation resource fields of the v1 discovery document.
 */
import { type FakeEnv, type FakeRequest, type Handler, param } from "./env.js";
import { notFound } from "./google-errors.js";
import { rfc3339, selfLink } from "./resource-urls.js";
import type { OperationFailure, OperationRecord } from "./state.js";

/** What a write asks the lifecycle to do once its operation is DONE. */
export interface OperationStart {
  readonly project: string;
  readonly operationType: "insert" | "delete";
  readonly targetPath: string;
  readonly targetId: string;
  readonly requestId: string | undefined;
  readonly effect: () => OperationFailure | undefined;
}

/** Creates a PENDING operation (recording its requestId) and returns it already advanced. */
export function startOperation(env: FakeEnv, start: OperationStart): OperationRecord {
  const id = env.state.newId();
  const name = `operation-${env.clock.wallNow().getTime()}-${BigInt(id).toString(16)}`;
  const path = `projects/${start.project}/global/operations/${name}`;
  const operation: OperationRecord = {
    path,
    id,
    name,
    operationType: start.operationType,
    targetPath: start.targetPath,
    targetId: start.targetId,
    requestId: start.requestId,
    createdAtMs: env.clock.monotonicMs(),
    runningAfterMs: env.timings.pendingMs,
    doneAfterMs: env.timings.pendingMs + env.timings.runningMs,
    insertTime: env.clock.wallNow(),
    status: "PENDING",
    startTime: undefined,
    endTime: undefined,
    failure: undefined,
    effect: start.effect,
  };
  env.state.operations.set(path, operation);
  if (start.requestId !== undefined) env.state.requestIds.set(start.requestId, path);
  advanceOperations(env);
  return operation;
}

/** Moves every operation along by the clock, applying effects in creation order. */
export function advanceOperations(env: FakeEnv): void {
  const now = env.clock.monotonicMs();
  for (const operation of env.state.operations.values()) {
    if (operation.status === "DONE") continue;
    const elapsed = now - operation.createdAtMs;
    if (operation.status === "PENDING" && elapsed >= operation.runningAfterMs) {
      operation.status = "RUNNING";
      operation.startTime = env.clock.wallNow();
    }
    if (operation.status === "RUNNING" && elapsed >= operation.doneAfterMs) {
      operation.failure = operation.effect();
      operation.status = "DONE";
      operation.endTime = env.clock.wallNow();
    }
  }
}

/** The Operation resource as JSON (`compute#operation`). */
export function operationJson(env: FakeEnv, operation: OperationRecord): Record<string, unknown> {
  const failure = operation.failure;
  return {
    kind: "compute#operation",
    id: operation.id,
    name: operation.name,
    operationType: operation.operationType,
    targetLink: selfLink(operation.targetPath),
    targetId: operation.targetId,
    status: operation.status,
    user: env.user,
    progress: operation.status === "DONE" ? 100 : 0,
    insertTime: rfc3339(operation.insertTime),
    ...(operation.startTime ? { startTime: rfc3339(operation.startTime) } : {}),
    ...(operation.endTime ? { endTime: rfc3339(operation.endTime) } : {}),
    selfLink: selfLink(operation.path),
    ...(failure
      ? {
          error: { errors: failure.errors },
          httpErrorStatusCode: failure.httpErrorStatusCode,
          httpErrorMessage: failure.httpErrorMessage,
        }
      : {}),
  };
}

function findOperation(env: FakeEnv, request: FakeRequest): OperationRecord {
  const project = param(request, "project");
  const name = param(request, "operation");
  const path = `projects/${project}/global/operations/${name}`;
  const byName = env.state.operations.get(path);
  if (byName) return byName;
  for (const operation of env.state.operations.values()) {
    if (operation.id === name && operation.path.startsWith(`projects/${project}/`))
      return operation;
  }
  throw notFound(path);
}

/** globalOperations.get: the operation's current state. */
export const getOperation: Handler = (env, request) => {
  advanceOperations(env);
  return operationJson(env, findOperation(env, request));
};

/**
 * globalOperations.wait: blocks until DONE or `waitMaxMs`, then answers with the current state;
 * stops holding when the client gives up first (its own deadline) or the server closes.
 */
export const waitOperation: Handler = async (env, request) => {
  const started = env.clock.monotonicMs();
  advanceOperations(env);
  const operation = findOperation(env, request);
  for (;;) {
    advanceOperations(env);
    const left = env.timings.waitMaxMs - (env.clock.monotonicMs() - started);
    if (operation.status === "DONE" || left <= 0 || request.signal?.aborted)
      return operationJson(env, operation);
    await env.clock.sleep(Math.min(env.timings.waitPollMs, left));
  }
};
