/**
 * routes.insert / get / list / delete, following
 * https://cloud.google.com/compute/docs/reference/rest/v1/routes (paths
 * `/compute/v1/projects/{project}/global/routes[/{route}]`; insert and delete answer an Operation
 * and honour `requestId`; list takes `filter`, `maxResults`, `pageToken`, `orderBy` and answers a
 * `compute#routeList`). The route appears when its insert operation is DONE and disappears when its
 * delete operation is DONE; a name is taken from the moment the insert is accepted (409
 * `alreadyExists`), and a route with an operation in flight answers 400 `resourceNotReady`.
 */
import { type FakeEnv, type FakeRequest, type Handler, param } from "./env.js";
import { compileFilter } from "./filter.js";
import { alreadyExists, invalidField, notFound, resourceNotReady } from "./google-errors.js";
import { operationJson, startOperation } from "./operations.js";
import { paginate } from "./pagination.js";
import { rfc3339, selfLink, withUrlHost } from "./resource-urls.js";
import { checkNextHopInstance, type RouteWarning, routeWarnings } from "./route-next-hop.js";
import { validateRoute } from "./route-validation.js";
import type { RouteRecord } from "./state.js";
import { systemRoutes } from "./system-routes.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Route resource as JSON (`compute#route`); empty optional fields are omitted, as real. */
export function routeJson(
  route: RouteRecord,
  warnings: readonly RouteWarning[] = [],
): Record<string, unknown> {
  return {
    kind: "compute#route",
    id: route.id,
    creationTimestamp: rfc3339(route.createdAt),
    name: route.name,
    ...(route.description !== "" ? { description: route.description } : {}),
    network: selfLink(route.network),
    destRange: route.destRange,
    priority: route.priority,
    ...(route.nextHopInstance ? { nextHopInstance: selfLink(route.nextHopInstance) } : {}),
    ...(route.nextHopIp ? { nextHopIp: route.nextHopIp } : {}),
    ...(route.nextHopGateway ? { nextHopGateway: selfLink(route.nextHopGateway) } : {}),
    ...(route.nextHopNetwork ? { nextHopNetwork: selfLink(route.nextHopNetwork) } : {}),
    ...(route.tags.length > 0 ? { tags: [...route.tags] } : {}),
    routeType: route.routeType ?? "STATIC",
    ...(warnings.length > 0 ? { warnings } : {}),
    selfLink: selfLink(route.path),
  };
}

/** Returns the operation an earlier call with this requestId started, if any. */
function replayRequest(env: FakeEnv, request: FakeRequest): unknown {
  const requestId = request.query.get("requestId");
  if (requestId === null) return undefined;
  if (!uuidPattern.test(requestId) || /^[0-]+$/.test(requestId)) {
    throw invalidField("requestId", requestId, "Must be a valid non-zero UUID.");
  }
  const previous = env.state.requestIds.get(requestId);
  const operation = previous === undefined ? undefined : env.state.operations.get(previous);
  return operation ? operationJson(env, operation) : undefined;
}

/** routes.insert: validates, reserves the name, starts an insert operation. */
export const insertRoute: Handler = (env, request) => {
  const replayed = replayRequest(env, request);
  if (replayed) return replayed;
  const project = param(request, "project");
  const valid = validateRoute(env, project, request.body);
  const path = `projects/${project}/global/routes/${valid.name}`;
  if (env.state.routes.has(path) || env.state.pendingOperationOn(path)) throw alreadyExists(path);
  const id = env.state.newId();
  const operation = startOperation(env, {
    project,
    operationType: "insert",
    targetPath: path,
    targetId: id,
    requestId: request.query.get("requestId") ?? undefined,
    effect: () => {
      const failure = checkNextHopInstance(env, valid);
      if (failure) return failure;
      env.state.putRoute({ ...valid, path, id, createdAt: env.clock.wallNow() });
      return undefined;
    },
  });
  return operationJson(env, operation);
};

/** routes.delete: starts a delete operation for an existing, idle route. */
export const deleteRoute: Handler = (env, request) => {
  const replayed = replayRequest(env, request);
  if (replayed) return replayed;
  const project = param(request, "project");
  const path = `projects/${project}/global/routes/${param(request, "route")}`;
  if (env.state.pendingOperationOn(path)) throw resourceNotReady(path);
  const route = env.state.routes.get(path);
  if (!route) throw notFound(path);
  const operation = startOperation(env, {
    project,
    operationType: "delete",
    targetPath: path,
    targetId: route.id,
    requestId: request.query.get("requestId") ?? undefined,
    effect: () => {
      env.state.dropRoute(path);
      return undefined;
    },
  });
  return operationJson(env, operation);
};

/** routes.get: the route, once its insert is DONE. */
export const getRoute: Handler = (env, request) => {
  const path = `projects/${param(request, "project")}/global/routes/${param(request, "route")}`;
  const route = env.state.routes.get(path);
  if (!route) throw notFound(path);
  return withUrlHost(env, routeJson(route, routeWarnings(env, route)));
};

/** routes.list: the project's routes and its networks' system routes, filtered, ordered, paged. */
export const listRoutes: Handler = (env, request) => {
  const project = param(request, "project");
  const matches = compileFilter(request.query.get("filter"), env.behaviour.urlFieldMatch);
  const orderBy = request.query.get("orderBy");
  if (orderBy !== null && orderBy !== "name" && orderBy !== "creationTimestamp desc") {
    throw invalidField(
      "orderBy",
      orderBy,
      "Only 'name' and 'creationTimestamp desc' are supported.",
    );
  }
  const all = [...env.state.routes.values(), ...systemRoutes(env, project)]
    .filter((route) => route.path.startsWith(`projects/${project}/`))
    .sort((a, b) =>
      orderBy === "creationTimestamp desc"
        ? b.createdAt.getTime() - a.createdAt.getTime()
        : a.name.localeCompare(b.name),
    )
    .map((route) => withUrlHost(env, routeJson(route, routeWarnings(env, route))))
    .filter(matches);
  const page = paginate(all, request.query);
  const collection = `projects/${project}/global/routes`;
  return {
    kind: "compute#routeList",
    id: collection,
    ...(page.items.length > 0 ? { items: page.items } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    selfLink: selfLink(collection),
  };
};
