/**
 * Waits for a global operation to reach DONE. `globalOperations.wait` blocks for at most ~2
 * minutes and, by its own contract, may answer earlier with a PENDING or RUNNING operation
 * (https://cloud.google.com/compute/docs/reference/rest/v1/globalOperations/wait), so this loops:
 * wait, and when wait fails retryably (throttled, 5xx, deadline) pause and read it with `get`,
 * all within `timeoutMs` on the injected clock. A DONE operation with `error.errors[]` becomes
 * the typed error of its first error code.
 */
import type { Clock } from "../../src/clock.js";
import { isRetryable, TransientError } from "../../src/errors.js";
import { classifyOperationError } from "./errors.js";
import type { GcpOperation, GcpPort } from "./port.js";

/** How long to wait and how to pace re-polls. */
export interface OperationWaitSettings {
  readonly clock: Clock;
  /** Whole budget for one operation, from submission to DONE. */
  readonly timeoutMs: number;
  /** Pause before re-polling after an early answer or a retryable failure. */
  readonly pollIntervalMs: number;
  /** Upper bound of one `wait` HTTP call (the server's own bound is ~2 minutes). */
  readonly waitCallMs: number;
}

/**
 * Resolves with the DONE operation; throws its classified error if it failed, or a
 * TransientError naming the operation if it is still not DONE after `timeoutMs`.
 */
export async function awaitOperation(
  port: GcpPort,
  project: string,
  submitted: GcpOperation,
  what: string,
  settings: OperationWaitSettings,
): Promise<GcpOperation> {
  const { clock } = settings;
  const deadline = clock.monotonicMs() + settings.timeoutMs;
  let operation = submitted;
  let useGet = false;
  while (operation.status !== "DONE") {
    const left = deadline - clock.monotonicMs();
    if (left <= 0) {
      throw new TransientError(
        `${what}: operation ${operation.name} is still ${operation.status} after ${settings.timeoutMs} ms; it may still complete, the next reconcile will see`,
      );
    }
    const asked = clock.monotonicMs();
    try {
      operation = useGet
        ? await port.getOperation(project, operation.name)
        : await port.waitOperation(project, operation.name, Math.min(left, settings.waitCallMs));
      useGet = false;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      useGet = true;
    }
    const answeredQuickly = clock.monotonicMs() - asked < settings.pollIntervalMs;
    if (operation.status !== "DONE" && answeredQuickly) {
      await clock.sleep(
        Math.min(settings.pollIntervalMs, Math.max(0, deadline - clock.monotonicMs())),
      );
    }
  }
  if (operation.errors.length > 0)
    throw classifyOperationError(operation, what, operation.targetLink);
  return operation;
}
