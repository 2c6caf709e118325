import type { Clock } from "../../src/clock.js";
import { isThrottled } from "../../src/errors.js";
import type { CallObserver } from "../types.js";
import { toAwsError } from "./errors.js";
import { type Ec2Filter, type Ec2Pages, type Ec2Port, ec2Operations } from "./port.js";

/** Name the AWS provider reports to the CallObserver. */
export const awsProviderName = "aws";

/** What `meterPort` needs: time to measure with and someone to tell. */
export interface MeterPortOptions {
  readonly clock: Clock;
  readonly calls?: CallObserver | undefined;
}

/**
 * Wraps a port so that every EC2 call, one per Describe page, is reported to the CallObserver (operation,
 * outcome, seconds) and every failure leaves as a typed error naming the operation and resource.
 * It is the single choke point, so no call can escape the API-budget count.
 */
export function meterPort(port: Ec2Port, options: MeterPortOptions): Ec2Port {
  const run = async <T>(
    method: keyof Ec2Port,
    resource: string,
    call: () => Promise<T>,
  ): Promise<T> => {
    const operation = ec2Operations[method];
    const started = options.clock.monotonicMs();
    const seconds = () => Math.max(0, options.clock.monotonicMs() - started) / 1000;
    try {
      const result = await call();
      options.calls?.onCall(awsProviderName, operation, "ok", seconds());
      return result;
    } catch (error) {
      const typed = toAwsError(error, operation, resource);
      options.calls?.onCall(
        awsProviderName,
        operation,
        isThrottled(typed) ? "throttled" : "error",
        seconds(),
      );
      throw typed;
    }
  };
  /** Each page fetched is one call; the last page (no NextToken) ends the Describe. */
  async function* pages<T>(
    method: keyof Ec2Port,
    resource: string,
    source: Ec2Pages<T>,
  ): Ec2Pages<T> {
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        const step = await run(method, resource, () => iterator.next());
        if (step.done === true) return;
        yield step.value;
        if (step.value.nextToken === undefined) return;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return {
    describeRouteTables: (filters) =>
      pages(
        "describeRouteTables",
        describeFilters("route tables", filters),
        port.describeRouteTables(filters),
      ),
    describeNetworkInterfaces: (filters) =>
      pages(
        "describeNetworkInterfaces",
        describeFilters("network interfaces", filters),
        port.describeNetworkInterfaces(filters),
      ),
    describeVpcs: (filters) =>
      pages("describeVpcs", describeFilters("VPCs", filters), port.describeVpcs(filters)),
    createRoute: (route) =>
      run("createRoute", `route ${route.cidr.text} in ${route.tableId}`, () =>
        port.createRoute(route),
      ),
    replaceRoute: (route) =>
      run("replaceRoute", `route ${route.cidr.text} in ${route.tableId}`, () =>
        port.replaceRoute(route),
      ),
    deleteRoute: (route) =>
      run("deleteRoute", `route ${route.cidr.text} in ${route.tableId}`, () =>
        port.deleteRoute(route),
      ),
    createTags: (resourceId, tags) =>
      run("createTags", `tags ${tags.map((t) => t.key).join(", ")} of ${resourceId}`, () =>
        port.createTags(resourceId, tags),
      ),
    deleteTags: (resourceId, tags) =>
      run("deleteTags", `tags ${tags.map((t) => t.key).join(", ")} of ${resourceId}`, () =>
        port.deleteTags(resourceId, tags),
      ),
    setSourceDestCheck: (eni, enabled) =>
      run("setSourceDestCheck", `source/destination check of ${eni}`, () =>
        port.setSourceDestCheck(eni, enabled),
      ),
  };
}

/** `route tables with route-table-id=rtb-1,rtb-2` - enough to find the call in a log. */
function describeFilters(what: string, filters: readonly Ec2Filter[]): string {
  if (filters.length === 0) return what;
  return `${what} with ${filters.map((f) => `${f.name}=${f.values.join(",")}`).join(" and ")}`;
}
