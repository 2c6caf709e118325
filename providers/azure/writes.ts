import { ConflictError, isNotFound, isPermanent, PermanentError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import type { RouteWrite } from "../types.js";
import { canonicalIp, canonicalPrefix, clusterOfRouteName, routeNameFor } from "./naming.js";
import type { AzurePort, AzureRouteTable } from "./port.js";
import { idKey, type ResourceRef } from "./resource-id.js";
import { assertInPlace, isInPlaceWith, isRunning } from "./route-state.js";
import { KeyedSerializer } from "./serial.js";
import type { CallRunner } from "./targets.js";

/** What the writer needs; `tables` maps idKey(route table id) to its reference. */
export interface RouteWriterDeps {
  readonly port: AzurePort;
  readonly call: CallRunner;
  readonly clusterId: string;
  readonly tables: ReadonlyMap<string, ResourceRef>;
  readonly logger: Logger;
}

/** Azure's limit of tags per resource; each owned route uses one. */
const maxTags = 50;

function tagKeyOf(tags: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.keys(tags).find((key) => key.toLowerCase() === name.toLowerCase());
}

/**
 * Applies route writes one route at a time (never a whole-table PUT: the API declares no
 * If-Match on it, so it could drop another cluster's route), one write at a time per route
 * table. Create records ownership first (tag, then route), so a crash leaves a record and not an
 * unowned route; replace is a PUT of the same route name (gapless), rewriting the tag when the
 * owner changed; delete removes the route, then the record. A PUT counts only when ARM reports
 * the route Succeeded with our next hop. One attempt per step: a throttle or a conflict leaves as
 * its typed error (Retry-After kept), and the reconciler's applier, the only retry layer,
 * decides when to try again; every step is safe to repeat. A PUT that failed after ARM may have
 * accepted it is looked up before it is repeated (see `unanswered`).
 */
export class RouteWriter {
  private readonly serializer = new KeyedSerializer();
  private readonly deps: RouteWriterDeps;
  /**
   * Routes (table key and route name) whose last PUT failed in a way that does not prove ARM
   * refused it: a lost or failed poll, a lost final read, a reset, a 5xx, a 409 or 429. Its
   * operation may have run, or still be running, so the next write of the route reads the table first rather
   * than start another long-running operation (on ARM's timings each costs a Retry-After, and a
   * PUT while the first still runs only earns 409s). Cleared once the route's state is known.
   */
  private readonly unanswered = new Set<string>();

  constructor(deps: RouteWriterDeps) {
    this.deps = deps;
  }

  /** Applies one write; safe to repeat after any error. */
  async apply(write: RouteWrite): Promise<void> {
    const key = idKey(write.table);
    const ref = this.deps.tables.get(key);
    if (!ref) {
      throw new PermanentError(
        `route table ${write.table} is not one of the route tables this controller manages`,
      );
    }
    await this.serializer.run(key, () =>
      write.kind === "delete" ? this.remove(ref, write) : this.upsert(ref, write),
    );
  }

  private async upsert(ref: ResourceRef, write: RouteWrite): Promise<void> {
    const nextHop = write.target === undefined ? undefined : canonicalIp(write.target.id);
    if (nextHop === undefined || nextHop.includes(":") !== (write.cidr.family === 6)) {
      throw new PermanentError(
        `cannot ${write.kind} ${write.cidr.text} in ${write.table}: next hop ${write.target?.id ?? "(none)"} is not an IPv${write.cidr.family} address`,
      );
    }
    const name = routeNameFor(this.deps.clusterId, write.cidr);
    const resource = `${ref.resourceGroup}/${ref.name}/${name}`;
    const key = `${idKey(write.table)}/${name}`;
    const needsClaim = write.kind === "create" || write.adopt || write.ownerChanged;
    let table: AzureRouteTable | undefined;
    if (this.unanswered.has(key)) {
      table = await this.readTable(ref);
      if (this.earlierWriteTookEffect(table, write, name, resource, nextHop)) {
        // Ownership is recorded before a route is written; a new owner still gets its record.
        if (needsClaim) await this.claim(ref, write, name, table);
        this.unanswered.delete(key);
        return;
      }
      this.unanswered.delete(key);
    }
    if (needsClaim) {
      await this.claim(ref, write, name, table);
    }
    const route = { addressPrefix: write.cidr.text, nextHopIpAddress: nextHop };
    try {
      const written = await this.deps.call("routes.createOrUpdate", resource, () =>
        this.deps.port.putRoute(ref, name, route),
      );
      assertInPlace(written, resource, nextHop);
    } catch (error) {
      // A 4xx refusal (other than 409/429, which a poll may have got) proves nothing ran.
      if (!isPermanent(error) && !isNotFound(error)) this.unanswered.add(key);
      throw error;
    }
    const past = write.kind === "create" ? "created" : "replaced";
    this.deps.logger.info(
      { table: write.table, cidr: write.cidr.text, target: nextHop, route: name },
      `route ${past}`,
    );
  }

  /**
   * For a route whose last PUT may have run (`unanswered`): true when that write is in place;
   * a conflict while its operation still runs; false when the route must be written.
   */
  private earlierWriteTookEffect(
    table: AzureRouteTable,
    write: RouteWrite,
    name: string,
    resource: string,
    nextHop: string,
  ): boolean {
    const found = table.routes.find((r) => r.name.toLowerCase() === name);
    if (found === undefined) return false;
    if (isRunning(found)) {
      throw new ConflictError(
        `azure routes.createOrUpdate ${resource}: an earlier write of this route is still running (provisioningState ${found.provisioningState}); waiting for it instead of writing again`,
      );
    }
    if (!isInPlaceWith(found, nextHop)) return false;
    this.deps.logger.info(
      { table: write.table, cidr: write.cidr.text, target: nextHop, route: name },
      "route in place: an earlier write whose answer was lost took effect",
    );
    return true;
  }

  /**
   * Records ownership. A differently named route for the CIDR is left alone unless adopting
   * (then it is deleted right before our PUT: Azure allows one route per prefix); another
   * cluster's route is never taken, adopt or not.
   */
  private async claim(
    ref: ResourceRef,
    write: RouteWrite,
    name: string,
    read?: AzureRouteTable,
  ): Promise<void> {
    const table = read ?? (await this.readTable(ref));
    const other = table.routes.find(
      (r) =>
        r.name.toLowerCase() !== name && canonicalPrefix(r.addressPrefix)?.text === write.cidr.text,
    );
    const otherCluster = other && clusterOfRouteName(other.name, write.cidr);
    if (other && (!write.adopt || otherCluster !== undefined)) {
      const whose = otherCluster ? `cluster ${otherCluster}'s` : "not this cluster's";
      throw new PermanentError(
        `route ${other.name} in ${write.table} already routes ${write.cidr.text} and is ${whose}; it is left alone${otherCluster ? "" : " (adoptExistingRoutes takes such routes over)"}`,
      );
    }
    await this.setTag(ref, table, name, write.owner.service);
    if (other === undefined) return;
    await this.deps.call("routes.delete", `${ref.resourceGroup}/${ref.name}/${other.name}`, () =>
      this.deps.port.deleteRoute(ref, other.name),
    );
    this.deps.logger.info(
      { table: write.table, cidr: write.cidr.text, route: other.name },
      "route adopted",
    );
  }

  private async remove(ref: ResourceRef, write: RouteWrite): Promise<void> {
    const name = routeNameFor(this.deps.clusterId, write.cidr);
    this.unanswered.delete(`${idKey(write.table)}/${name}`);
    if (write.routeExists) {
      try {
        await this.deps.call("routes.delete", `${ref.resourceGroup}/${ref.name}/${name}`, () =>
          this.deps.port.deleteRoute(ref, name),
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    const table = await this.readTable(ref);
    const key = tagKeyOf(table.tags, name);
    if (key !== undefined && table.tags[key] === write.owner.service) {
      await this.setTag(ref, table, name, undefined);
    }
    this.deps.logger.info(
      { table: write.table, cidr: write.cidr.text, route: name },
      "route deleted",
    );
  }

  private readTable(ref: ResourceRef): Promise<AzureRouteTable> {
    return this.deps.call("routeTables.get", `${ref.resourceGroup}/${ref.name}`, () =>
      this.deps.port.getRouteTable(ref),
    );
  }

  /**
   * Sets (or, with undefined, removes) one ownership tag through the Tags API: Merge adds or
   * replaces our key, Delete removes our name/value pair, and neither touches any other key, so
   * no If-Match is needed and another cluster's record cannot be dropped by this write.
   */
  private async setTag(
    ref: ResourceRef,
    table: AzureRouteTable,
    name: string,
    value: string | undefined,
  ): Promise<void> {
    const key = tagKeyOf(table.tags, name);
    const current = key === undefined ? undefined : table.tags[key];
    if (current === value) return;
    if (key === undefined && Object.keys(table.tags).length >= maxTags) {
      throw new PermanentError(
        `route table ${ref.resourceGroup}/${ref.name} already has ${maxTags} tags, so ownership of route ${name} cannot be recorded; remove unused tags from it`,
      );
    }
    // Tag names are case-insensitive: name the key as the table already spells it.
    const [operation, tags] =
      value === undefined
        ? (["Delete", { [key ?? name]: current ?? "" }] as const)
        : (["Merge", { [key ?? name]: value }] as const);
    await this.deps.call("tags.updateAtScope", `${ref.resourceGroup}/${ref.name}`, () =>
      this.deps.port.patchRouteTableTags(ref, operation, tags),
    );
    // Read back (one GET) to prove the record is there: a Merge or Delete cannot drop another
    // key, but a whole-set write by someone else (a portal edit, a Replace) still can. A loss
    // that happens after this check is repaired on a later pass (observe.ts reports the route
    // ours with the Service unknown).
    const after = await this.readTable(ref);
    const now = tagKeyOf(after.tags, name);
    if ((now === undefined ? undefined : after.tags[now]) !== value) {
      throw new ConflictError(
        `the ownership tag ${name} on route table ${ref.resourceGroup}/${ref.name} is not as written after the tag update (a concurrent whole-set tag write?); writing it again`,
      );
    }
  }
}
