import { parseIp } from "../../../src/domain/cidr.js";
import { badRequest, childNotFound, preconditionFailed } from "./arm-error.js";
import {
  absoluteUrl,
  assertTableIdle,
  type Handler,
  type HandlerContext,
  ifMatch,
  lroRetryAfter,
} from "./handler.js";
import { isJsonObject, stringField } from "./json.js";
import { newEtag, nextHopTypes, type RouteState } from "./model.js";
import { operationResultPath, operationStatusPath } from "./operations.js";
import { renderRoute } from "./render.js";
import { idKey } from "./resource-id.js";

// Handlers follow the Routes REST reference, api-version 2026-01-01
// (https://learn.microsoft.com/rest/api/virtualnetwork/routes): Create Or Update answers 200/201
// with Azure-AsyncOperation, Delete 202 with Azure-AsyncOperation + Location (204 when absent),
// Get 200, List 200 `{ value }`; bodies as in the spec examples RouteTableRouteCreate.json,
// RouteTableRouteGet.json and RouteTableRouteDelete.json (Azure/azure-rest-api-specs,
// specification/network/resource-manager/Microsoft.Network/stable/*/examples). Route names follow
// NRP's naming rule (1-80 chars); a second route with the same prefix is NRP's 400 RouteConflict
// ("Routes cannot have the same AddressPrefix", kubernetes-sigs/cloud-provider-azure#657), and a
// VirtualAppliance route without next hop is 400 MissingNextHopIpAddress.

const namePattern = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;

function tableIdOf(context: HandlerContext): string {
  return context.match.resourceId.replace(/\/routes(\/[^/]+)?$/i, "");
}

function routeNameOf(context: HandlerContext): string {
  return context.match.params[3] ?? "";
}

function isPrefix(text: string): boolean {
  const [address, length, extra] = text.split("/");
  const ip = address === undefined ? undefined : parseIp(address);
  if (!ip || length === undefined || extra !== undefined || !/^\d{1,3}$/.test(length)) return false;
  return Number(length) <= (ip.family === 4 ? 32 : 128);
}

function sameNetwork(a: string, b: string): boolean {
  const [addressA, lengthA] = a.split("/");
  const [addressB, lengthB] = b.split("/");
  const ipA = addressA === undefined ? undefined : parseIp(addressA);
  const ipB = addressB === undefined ? undefined : parseIp(addressB);
  if (!ipA || !ipB) return a.toLowerCase() === b.toLowerCase();
  return ipA.family === ipB.family && ipA.value === ipB.value && lengthA === lengthB;
}

function parseRoute(context: HandlerContext, name: string, id: string): RouteState {
  const properties = isJsonObject(context.body) ? context.body.properties : undefined;
  if (!isJsonObject(properties))
    throw badRequest("InvalidRequestFormat", "Cannot parse the request.");
  const addressPrefix = stringField(properties, "addressPrefix") ?? "";
  if (!isPrefix(addressPrefix)) {
    throw badRequest(
      "InvalidAddressPrefixFormat",
      `Address prefix ${addressPrefix} of resource ${id} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.`,
    );
  }
  const requestedType = stringField(properties, "nextHopType");
  const nextHopType = nextHopTypes.find((t) => t === requestedType);
  if (!nextHopType) throw badRequest("InvalidRequestFormat", "Cannot parse the request.");
  const nextHopIpAddress = stringField(properties, "nextHopIpAddress");
  if (nextHopType === "VirtualAppliance" && !nextHopIpAddress) {
    throw badRequest(
      "MissingNextHopIpAddress",
      `NextHopIpAddress cannot be Null or Empty in route ${name} when NextHopType is VirtualAppliance.`,
    );
  }
  if (nextHopIpAddress !== undefined && parseIp(nextHopIpAddress) === undefined) {
    throw badRequest("InvalidRequestFormat", "Cannot parse the request.");
  }
  return {
    name,
    addressPrefix,
    nextHopType,
    nextHopIpAddress: nextHopType === "VirtualAppliance" ? nextHopIpAddress : undefined,
    provisioningState: "Updating",
    etag: newEtag(),
  };
}

/** PUT .../routeTables/{rt}/routes/{name}: create-or-update as a long-running operation. */
export const createOrUpdateRoute: Handler = (context) => {
  const table = context.store.routeTable(tableIdOf(context));
  const name = routeNameOf(context);
  const id = `${table.id}/routes/${name}`;
  if (!namePattern.test(name)) {
    throw badRequest(
      "InvalidResourceName",
      `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  }
  assertTableIdle(context, table.id);
  const existing = table.routes.get(name.toLowerCase());
  const expected = ifMatch(context);
  if (expected !== undefined && (!existing || (expected !== "*" && expected !== table.etag))) {
    throw preconditionFailed(id, expected);
  }
  const route = parseRoute(context, existing?.name ?? name, id);
  for (const other of table.routes.values()) {
    if (other !== existing && sameNetwork(other.addressPrefix, route.addressPrefix)) {
      throw badRequest(
        "RouteConflict",
        `Route: ${route.name} conflicts with Route: ${other.name}. Routes cannot have the same AddressPrefix.`,
      );
    }
  }
  table.routes.set(name.toLowerCase(), route);
  table.etag = newEtag();
  const operation = context.store.operations.start({
    subscriptionId: table.subscriptionId,
    location: table.location,
    lockKey: idKey(table.id),
    durationMs: context.settings.operationDurationMs,
    failure: context.asyncFailure,
    finish: (status) => {
      route.provisioningState = status;
      route.etag = newEtag();
      table.etag = newEtag();
    },
  });
  return {
    status: existing ? 200 : 201,
    headers: {
      "azure-asyncoperation": absoluteUrl(context, operationStatusPath(operation)),
      ...lroRetryAfter(context),
    },
    body: renderRoute(table, route),
  };
};

/** DELETE .../routes/{name}: 202 + polling while it runs, 204 when the route is absent. */
export const deleteRoute: Handler = (context) => {
  const table = context.store.routeTable(tableIdOf(context));
  const key = routeNameOf(context).toLowerCase();
  const route = table.routes.get(key);
  if (!route) return { status: 204 };
  assertTableIdle(context, table.id);
  const expected = ifMatch(context);
  if (expected !== undefined && expected !== "*" && expected !== table.etag) {
    throw preconditionFailed(`${table.id}/routes/${route.name}`, expected);
  }
  route.provisioningState = "Deleting";
  const operation = context.store.operations.start({
    subscriptionId: table.subscriptionId,
    location: table.location,
    lockKey: idKey(table.id),
    durationMs: context.settings.operationDurationMs,
    failure: context.asyncFailure,
    finish: (status) => {
      if (status === "Succeeded") table.routes.delete(key);
      else route.provisioningState = status;
      route.etag = newEtag();
      table.etag = newEtag();
    },
  });
  const statusUrl = absoluteUrl(context, operationStatusPath(operation));
  return {
    status: 202,
    headers: {
      ...(context.settings.deleteLroHeaders === "both"
        ? { "azure-asyncoperation": statusUrl }
        : {}),
      location: absoluteUrl(context, operationResultPath(operation)),
      ...lroRetryAfter(context),
    },
  };
};

/** GET .../routes/{name}. */
export const getRoute: Handler = (context) => {
  const table = context.store.routeTable(tableIdOf(context));
  const route = table.routes.get(routeNameOf(context).toLowerCase());
  if (!route) throw childNotFound(context.match.resourceId);
  return { status: 200, body: renderRoute(table, route) };
};

/**
 * GET .../routes: a page of the table's routes, with `nextLink` (x-ms-pageable, nextLinkName
 * "nextLink") to the next one when `routesPageSize` splits them; `$skipToken` is opaque to clients.
 */
export const listRoutes: Handler = (context) => {
  const table = context.store.routeTable(tableIdOf(context));
  const all = [...table.routes.values()].map((r) => renderRoute(table, r));
  const size = context.settings.routesPageSize ?? all.length;
  const skip = Number(context.query.get("$skipToken") ?? "0");
  const from = Number.isInteger(skip) && skip >= 0 ? skip : 0;
  const next = from + Math.max(size, 1);
  const nextLink =
    next < all.length
      ? `${absoluteUrl(context, context.match.resourceId)}&$skipToken=${next}`
      : undefined;
  return {
    status: 200,
    body: { value: all.slice(from, next), ...(nextLink ? { nextLink } : {}) },
  };
};
