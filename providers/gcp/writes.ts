/**
 * Applies one RouteWrite to the VPC network, always make-before-break and idempotent:
 * take the CIDR's routes from the pass's fresh listing, else list them; for create/replace insert
 * the desired route (deterministic name and requestId) in the other priority slot and wait for
 * DONE, then delete every other route of ours for the CIDR (the replaced one, and leftovers of an
 * interrupted switch) plus, when adopting, the unowned route; for delete remove all of ours.
 * Foreign routes are never touched unless the write adopts them, and another cluster's routes
 * never.
 */

import { ConflictError, isNotFound, PermanentError, TransientError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import type { RouteWrite } from "../types.js";
import { findApiError, hasReason } from "./api-error.js";
import { ownerDescription, parseOwner, requestId, routeName } from "./naming.js";
import { describeNextHop, ownRoutesFor } from "./observe.js";
import { awaitOperation, type OperationWaitSettings } from "./operations.js";
import type { GcpPort, GcpRoute, NewRoute } from "./port.js";
import { nextPriority } from "./priority.js";
import type { RecentListing } from "./recent-listing.js";
import { instanceIdOfUrl, instanceUrl, type NetworkRef, networkUrl } from "./resource-paths.js";
import { listNetworkRoutes } from "./route-listing.js";

/** What the writer needs; `port` is already observed and classifying. */
export interface WriterDeps {
  readonly port: GcpPort;
  readonly clusterId: string;
  readonly network: NetworkRef;
  readonly routePriority: number;
  readonly logger: Logger;
  readonly wait: OperationWaitSettings;
  /** The pass's listing; without it (or once stale or used) every write lists its CIDR. */
  readonly listed?: RecentListing;
}

/** Earlier operations an insert may walk past before it gives up for this pass. */
const maxReplayedInserts = 8;

const show = (r: GcpRoute) => `${r.name} (priority ${r.priority}, ${describeNextHop(r)})`;

/** Applies writes; remembers failed operations so a retry gets a fresh requestId. */
export class RouteWriter {
  private readonly deps: WriterDeps;
  /** requestId seed -> attempts whose operation ended in an error. */
  private readonly failedAttempts = new Map<string, number>();

  constructor(deps: WriterDeps) {
    this.deps = deps;
  }

  /** Applies `write`; safe to call again after any error. */
  async apply(write: RouteWrite): Promise<void> {
    const { network, clusterId } = this.deps;
    if (write.table !== network.name) {
      throw new PermanentError(
        `route table ${write.table} is not managed here; the GCP provider manages network ${network.name}`,
      );
    }
    if (write.owner.clusterId !== clusterId) {
      throw new PermanentError(
        `write for cluster ${write.owner.clusterId} reached the provider of cluster ${clusterId}`,
      );
    }
    const cidr = write.cidr.text;
    const routes =
      this.deps.listed?.take(cidr) ?? (await listNetworkRoutes(this.deps.port, network, cidr));
    const ours = ownRoutesFor(routes, cidr, clusterId);
    if (write.kind === "delete") {
      for (const route of ours) await this.remove(route, cidr);
      return;
    }
    const target = write.target;
    if (!target)
      throw new PermanentError(`${write.kind} of ${cidr} in network ${network.name} has no target`);
    const foreign = routes.filter((r) => parseOwner(r)?.clusterId !== clusterId);
    const othersOwned = foreign.filter((r) => parseOwner(r) !== undefined);
    if (foreign.length > 0 && (!write.adopt || othersOwned.length > 0)) {
      throw new ConflictError(
        `${cidr} in network ${network.name} is also routed by ${foreign.map(show).join(", ")}, which vpc-route-sync cluster ${clusterId} does not own; nothing was changed`,
      );
    }
    const name = routeName(write.owner, cidr, target.id);
    const present = ours.find((r) => r.name === name);
    if (present && instanceIdOfUrl(present.nextHopInstance ?? "") !== target.id) {
      throw new PermanentError(
        `route ${show(present)} carries our name but not our target ${target.id}; it was changed by hand: delete it, the next reconcile recreates it`,
      );
    }
    const replaced = [...ours, ...foreign].filter((r) => r.name !== name);
    if (!present) {
      const priority = nextPriority(
        this.deps.routePriority,
        replaced.map((r) => r.priority),
      );
      await this.insert(
        {
          name,
          network: networkUrl(network),
          destRange: cidr,
          priority,
          nextHopInstance: instanceUrl(target.id),
          description: ownerDescription(write.owner, cidr),
        },
        routes.map((r) => r.id),
      );
    }
    for (const route of replaced) await this.remove(route, cidr);
  }

  private requestIdFor(seed: readonly string[]): string {
    return requestId(...seed, String(this.failedAttempts.get(seed.join("\n")) ?? 0));
  }

  /** After a DONE-with-error operation, the same requestId would only replay that failure. */
  private forgetFailedOperation(seed: readonly string[], error: unknown): void {
    if (findApiError(error)?.operation === undefined) return;
    const key = seed.join("\n");
    this.failedAttempts.set(key, (this.failedAttempts.get(key) ?? 0) + 1);
  }

  private async insert(route: NewRoute, before: readonly string[]): Promise<void> {
    const { port, network, wait, logger } = this.deps;
    const seed = [
      "insert",
      network.project,
      route.name,
      String(route.priority),
      ...[...before].sort(),
    ];
    try {
      let id = this.requestIdFor(seed);
      // Compute honours a requestId for at least 60 minutes: a route inserted again after its
      // deletion gets the first, long finished operation back and nothing is inserted. Check, and
      // insert once more under an id salted with that operation's name. Chained, so the n-th
      // re-creation within the hour walks past the n-1 earlier answers, and deterministic, so a
      // retry after a lost answer finds its own operation again.
      for (let replayed = 0; ; replayed++) {
        const operation = await port.insertRoute(network.project, route, id);
        const doneAtOnce = operation.status === "DONE";
        await awaitOperation(port, network.project, operation, `insert route ${route.name}`, wait);
        if (!doneAtOnce || (await this.isAlreadyInPlace(route))) break;
        if (replayed >= maxReplayedInserts)
          throw new TransientError(
            `insert route ${route.name}: ${replayed + 1} requestIds in a row answered with earlier, finished operations and the route is still missing; the next reconcile tries again`,
          );
        id = requestId(...seed, `after ${operation.name}`);
      }
    } catch (error) {
      if (
        hasReason(error, "alreadyExists", "RESOURCE_ALREADY_EXISTS") &&
        (await this.isAlreadyInPlace(route))
      )
        return;
      this.forgetFailedOperation(seed, error);
      throw error;
    }
    logger.info(
      {
        table: network.name,
        cidr: route.destRange,
        route: route.name,
        priority: route.priority,
        target: route.nextHopInstance,
      },
      "route inserted",
    );
  }

  /** An existing route of that name is fine when it is exactly the one we wanted. */
  private async isAlreadyInPlace(wanted: NewRoute): Promise<boolean> {
    const { port, network, clusterId } = this.deps;
    const found = await port.getRoute(network.project, wanted.name).catch(() => undefined);
    return (
      found !== undefined &&
      parseOwner(found)?.clusterId === clusterId &&
      found.destRange === wanted.destRange &&
      instanceIdOfUrl(found.nextHopInstance ?? "") === instanceIdOfUrl(wanted.nextHopInstance)
    );
  }

  private async remove(route: GcpRoute, cidr: string): Promise<void> {
    const { port, network, wait, logger } = this.deps;
    const seed = ["delete", network.project, route.name, route.id];
    try {
      const operation = await port.deleteRoute(
        network.project,
        route.name,
        this.requestIdFor(seed),
      );
      await awaitOperation(port, network.project, operation, `delete route ${route.name}`, wait);
    } catch (error) {
      if (isNotFound(error)) return;
      this.forgetFailedOperation(seed, error);
      throw error;
    }
    logger.info(
      { table: network.name, cidr, route: route.name, priority: route.priority },
      "route deleted",
    );
  }
}
