/**
 * Wraps a GcpPort so every call is timed, reported to the CallObserver (metrics, API-budget
 * benchmark) and its failure classified into a typed error, in one place: the rest of the
 * provider only ever sees ThrottledError, ConflictError, NotFoundError, TransientError or
 * PermanentError, each naming the REST method and the resource.
 */
import type { Clock } from "../../src/clock.js";
import { isThrottled } from "../../src/errors.js";
import type { CallObserver } from "../types.js";
import { classifyGcpError } from "./errors.js";
import type { GcpPort } from "./port.js";

/** Provider name in metrics. */
export const providerName = "gcp";

/** Returns `port` with observation and error classification around every method. */
export function meterPort(port: GcpPort, clock: Clock, calls: CallObserver | undefined): GcpPort {
  async function call<T>(operation: string, resource: string, run: () => Promise<T>): Promise<T> {
    const started = clock.monotonicMs();
    const seconds = () => Math.max(0, clock.monotonicMs() - started) / 1000;
    try {
      const result = await run();
      calls?.onCall(providerName, operation, "ok", seconds());
      return result;
    } catch (raw) {
      const error = classifyGcpError(raw, operation, resource);
      calls?.onCall(providerName, operation, isThrottled(error) ? "throttled" : "error", seconds());
      throw error;
    }
  }
  return {
    listRoutes: (project, filter, pageToken) =>
      call("routes.list", `routes of project ${project} matching ${filter}`, () =>
        port.listRoutes(project, filter, pageToken),
      ),
    insertRoute: (project, route, requestId) =>
      call("routes.insert", `route ${route.name} (${route.destRange})`, () =>
        port.insertRoute(project, route, requestId),
      ),
    deleteRoute: (project, name, requestId) =>
      call("routes.delete", `route ${name}`, () => port.deleteRoute(project, name, requestId)),
    getRoute: (project, name) =>
      call("routes.get", `route ${name}`, () => port.getRoute(project, name)),
    getOperation: (project, name) =>
      call("globalOperations.get", `operation ${name}`, () => port.getOperation(project, name)),
    waitOperation: (project, name, timeoutMs) =>
      call("globalOperations.wait", `operation ${name}`, () =>
        port.waitOperation(project, name, timeoutMs),
      ),
    getInstance: (project, zone, name) =>
      call("instances.get", `instance ${name} (project ${project}, zone ${zone})`, () =>
        port.getInstance(project, zone, name),
      ),
    getNetwork: (project, name) =>
      call("networks.get", `network ${name} (project ${project})`, () =>
        port.getNetwork(project, name),
      ),
    listSubnetworks: (project, filter) =>
      call(
        "subnetworks.aggregatedList",
        `subnetworks of project ${project} matching ${filter}`,
        () => port.listSubnetworks(project, filter),
      ),
  };
}
