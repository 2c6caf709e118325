import { badRequest } from "./arm-error.js";
import { assertTableIdle, type Handler, type HandlerContext } from "./handler.js";
import { isJsonObject } from "./json.js";
import { newEtag } from "./model.js";
import { renderRouteTable } from "./render.js";

// Route Tables - Get, api-version 2026-01-01
// (https://learn.microsoft.com/rest/api/virtualnetwork/route-tables), and Tags - Update At Scope
// (https://learn.microsoft.com/rest/api/resources/tags/update-at-scope): PATCH
// `{scope}/providers/Microsoft.Resources/tags/default` with `{ operation, properties: { tags } }`,
// where Replace replaces the whole set, Merge adds or updates the names sent and Delete removes
// the names (or name/value pairs) sent; 200 with the TagsResource. Tag limits follow "Use tags to
// organize your Azure resources", Limitations
// (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations):
// 50 tags, names <= 512 chars without `<>%&\?/`, values <= 256 chars.

const forbiddenInTagName = /[<>%&\\?/]/;

function tableOf(context: HandlerContext) {
  return context.store.routeTable(context.match.resourceId);
}

/** Validates a set of tags; returns it or throws the ARM 400. */
function parseTags(tags: unknown): Record<string, string> {
  if (!isJsonObject(tags)) throw badRequest("InvalidRequestFormat", "Cannot parse the request.");
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(tags)) {
    if (typeof value !== "string") {
      throw badRequest("InvalidRequestFormat", "Cannot parse the request.");
    }
    if (forbiddenInTagName.test(name)) {
      throw badRequest(
        "InvalidTagNameCharacters",
        `The tag names '${name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`,
      );
    }
    if (name.length > 512) {
      throw badRequest("InvalidTagNameLength", `The tag name '${name}' exceeds 512 characters.`);
    }
    if (value.length > 256) {
      throw badRequest(
        "InvalidTagValueLength",
        `The value of tag '${name}' exceeds 256 characters.`,
      );
    }
    result[name] = value;
  }
  return result;
}

function assertTagCount(tags: Record<string, string>): void {
  if (Object.keys(tags).length > 50) {
    throw badRequest("InvalidTagCount", "A resource can have at most 50 tags.");
  }
}

const keyOf = (tags: Record<string, string>, name: string) =>
  Object.keys(tags).find((key) => key.toLowerCase() === name.toLowerCase());

/** The tag set after a Tags API patch; names compare case-insensitively, as ARM's do. */
function patched(
  current: Record<string, string>,
  operation: unknown,
  sent: Record<string, string>,
): Record<string, string> {
  if (operation === "Replace") return sent;
  const next = { ...current };
  for (const [name, value] of Object.entries(sent)) {
    const key = keyOf(next, name);
    if (operation === "Merge") next[key ?? name] = value;
    else if (operation === "Delete" && key !== undefined && next[key] === value) delete next[key];
    else if (operation !== "Delete") {
      throw badRequest("InvalidRequestFormat", "Cannot parse the request.");
    }
  }
  return next;
}

/** GET .../routeTables/{rt}: the table with its routes, tags and associated subnets. */
export const getRouteTable: Handler = (context) => {
  const table = tableOf(context);
  return { status: 200, body: renderRouteTable(table, context.store.subnetsOf(table.id)) };
};

/**
 * PATCH .../routeTables/{rt}/providers/Microsoft.Resources/tags/default: Merge, Delete or
 * Replace (409 while a route write holds the table, as for any write to it).
 */
export const updateTagsAtScope: Handler = (context) => {
  const [subscription = "", resourceGroup = "", name = ""] = context.match.params;
  const id = `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/routeTables/${name}`;
  const table = context.store.routeTable(id);
  const body = isJsonObject(context.body) ? context.body : {};
  const properties = isJsonObject(body.properties) ? body.properties : {};
  const tags = patched(table.tags, body.operation, parseTags(properties.tags));
  assertTagCount(tags);
  assertTableIdle(context, table.id);
  table.tags = tags;
  table.etag = newEtag();
  return {
    status: 200,
    body: {
      id: `${table.id}/providers/Microsoft.Resources/tags/default`,
      name: "default",
      type: "Microsoft.Resources/tags",
      properties: { tags: { ...tags } },
    },
  };
};
