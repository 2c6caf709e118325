import type { RouteTarget } from "../../src/domain/route.js";
import { isNotFound, PermanentError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import type { RouteWrite } from "../types.js";
import { canonicalCidrText } from "./cidr-text.js";
import { awsErrorCode, awsErrorMessage } from "./errors.js";
import { describeRouteTarget } from "./observed-table.js";
import { ownershipTag } from "./ownership-tags.js";
import { collectPages } from "./paginate.js";
import type { Ec2Port, Ec2Route, Ec2RouteSpec, Ec2Tag } from "./port.js";

/** What a write needs besides the write itself. */
export interface WriteDeps {
  readonly port: Ec2Port;
  readonly clusterId: string;
  readonly logger: Logger;
  /** Called when a write to a node's ENI failed with not-found, to drop the cached lookup. */
  readonly forgetNode: (nodeName: string) => void;
}

/**
 * Applies one write with its ownership tag, in the order that keeps a crash harmless: the tag
 * before the route on create and on a replace that changes the owner (a crash leaves a record
 * without a route, never an unowned route), the route before the tag on delete. Every step tolerates having been done already, so
 * the applier may retry after any error.
 */
export async function applyRouteWrite(deps: WriteDeps, write: RouteWrite): Promise<void> {
  const where = `${write.cidr.text} in ${write.table}`;
  if (write.owner.clusterId !== deps.clusterId) {
    throw new PermanentError(
      `refusing to ${write.kind} ${where} for cluster ${JSON.stringify(write.owner.clusterId)}: this controller is cluster ${JSON.stringify(deps.clusterId)} and writes only its own records`,
    );
  }
  const tag = ownershipTag(write.cidr, write.owner);
  const log = { table: write.table, cidr: write.cidr.text, service: write.owner.service };
  switch (write.kind) {
    case "create":
    case "replace": {
      const target = eniTarget(write.target, write.kind, where);
      const spec = { tableId: write.table, cidr: write.cidr, networkInterfaceId: target.id };
      try {
        // A create always tags first (its record may be gone since it was observed); a plain
        // move keeps the record it already has, saving a call per replace.
        if (write.kind === "create" || write.ownerChanged || write.adopt) {
          await deps.port.createTags(write.table, [tag]);
        }
        if (write.kind === "create") await createOwnedRoute(deps, spec, tag);
        else await replaceOrCreate(deps, spec, tag);
      } catch (error) {
        if (isNotFound(error)) deps.forgetNode(target.nodeName);
        throw error;
      }
      // debug: the applier logs every write at info already; this adds the provider's details.
      deps.logger.debug(
        { ...log, target: target.id, node: target.nodeName, adopt: write.adopt },
        write.kind === "create" ? "route created" : "route replaced",
      );
      return;
    }
    case "delete": {
      if (write.routeExists) {
        try {
          await deps.port.deleteRoute({ tableId: write.table, cidr: write.cidr });
        } catch (error) {
          if (awsErrorCode(error) !== "InvalidRoute.NotFound") throw error;
          deps.logger.debug(log, "route already gone");
        }
      }
      // Key AND value: only our own record goes, never another cluster's tag for this CIDR.
      await deps.port.deleteTags(write.table, [tag]);
      deps.logger.debug(log, write.routeExists ? "route deleted" : "ownership record removed");
      return;
    }
    default:
      throw new PermanentError(`unknown write kind ${JSON.stringify(write.kind)} for ${where}`);
  }
}

function eniTarget(target: RouteTarget | undefined, kind: string, where: string): RouteTarget {
  if (target === undefined) {
    throw new PermanentError(`${kind} of ${where} carries no target; this is a planner bug`);
  }
  if (!target.id.startsWith("eni-")) {
    throw new PermanentError(
      `${kind} of ${where}: target ${target.id} is not a network interface; the AWS provider routes to ENIs only`,
    );
  }
  return target;
}

/** ReplaceRoute, or CreateRoute when AWS says there is no route to replace (deleted meanwhile). */
async function replaceOrCreate(deps: WriteDeps, spec: Ec2RouteSpec, tag: Ec2Tag): Promise<void> {
  try {
    await deps.port.replaceRoute(spec);
  } catch (error) {
    if (!isMissingRoute(error)) throw error;
    deps.logger.info(
      { table: spec.tableId, cidr: spec.cidr.text },
      "route to replace was gone; creating it",
    );
    await createOwnedRoute(deps, spec, tag);
  }
}

/**
 * AWS answers ReplaceRoute on a missing route with InvalidParameterValue "There is no route
 * defined for ..." (and may one day say InvalidRoute.NotFound); matched narrowly so that other
 * invalid-parameter errors still surface.
 */
export function isMissingRoute(error: unknown): boolean {
  const code = awsErrorCode(error);
  return (
    (code === "InvalidParameterValue" || code === "InvalidRoute.NotFound") &&
    /\bno route\b/i.test(awsErrorMessage(error))
  );
}

/**
 * CreateRoute; on RouteAlreadyExists the route is read back. Pointing at our ENI, the write had
 * already succeeded (a retry). Gone again, the original (retryable) conflict stands. Pointing
 * elsewhere, it is someone else's: our freshly written tag is withdrawn so that it can never
 * claim that route, and a PermanentError says so (retrying cannot help; the next pass observes
 * the foreign route and reports the conflict without writing).
 */
async function createOwnedRoute(deps: WriteDeps, spec: Ec2RouteSpec, tag: Ec2Tag): Promise<void> {
  try {
    await deps.port.createRoute(spec);
  } catch (error) {
    if (awsErrorCode(error) !== "RouteAlreadyExists") throw error;
    const existing = await findRoute(deps.port, spec);
    if (existing === undefined) throw error;
    if (existing.networkInterfaceId === spec.networkInterfaceId) return;
    await deps.port.deleteTags(spec.tableId, [tag]);
    throw new PermanentError(
      `route ${spec.cidr.text} in ${spec.tableId} already exists and points at ${describeRouteTarget(existing)}, which this controller did not write (a conflict); it was left alone and the ownership tag withdrawn`,
      { cause: error },
    );
  }
}

async function findRoute(port: Ec2Port, spec: Ec2RouteSpec): Promise<Ec2Route | undefined> {
  const filters = [{ name: "route-table-id", values: [spec.tableId] }];
  const tables = await collectPages(port.describeRouteTables(filters));
  return tables
    .flatMap((t) => t.routes)
    .find((r) => {
      const raw = r.destinationCidr ?? r.destinationIpv6Cidr;
      return raw !== undefined && canonicalCidrText(raw) === spec.cidr.text;
    });
}
