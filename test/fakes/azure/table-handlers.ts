import { badRequest, preconditionFailed } from "./arm-error.js";
import { assertTableIdle, type Handler, type HandlerContext, ifMatch } from "./handler.js";
import { isJsonObject } from "./json.js";
import { newEtag } from "./model.js";
import { renderRouteTable } from "./render.js";

// Route Tables - Get and Route Tables - Update Tags, api-version 2026-01-01
// (https://learn.microsoft.com/rest/api/virtualnetwork/route-tables). PATCH with a TagsObject
// replaces the whole tag set and answers 200 synchronously. Tag limits follow "Use tags to
// organize your Azure resources", Limitations
// (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations):
// 50 tags, names <= 512 chars without `<>%&\?/`, values <= 256 chars.

const forbiddenInTagName = /[<>%&\\?/]/;

function tableOf(context: HandlerContext) {
  return context.store.routeTable(context.match.resourceId);
}

/** Validates a TagsObject body; returns the new tag set or throws the ARM 400. */
function parseTags(body: unknown): Record<string, string> {
  const tags = isJsonObject(body) ? body.tags : undefined;
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
  if (Object.keys(result).length > 50) {
    throw badRequest("InvalidTagCount", "A resource can have at most 50 tags.");
  }
  return result;
}

/** GET .../routeTables/{rt}: the table with its routes, tags and associated subnets. */
export const getRouteTable: Handler = (context) => {
  const table = tableOf(context);
  return { status: 200, body: renderRouteTable(table, context.store.subnetsOf(table.id)) };
};

/** PATCH .../routeTables/{rt}: replaces the tags (honours If-Match; 409 while a route write runs). */
export const updateRouteTableTags: Handler = (context) => {
  const table = tableOf(context);
  assertTableIdle(context, table.id);
  const expected = ifMatch(context);
  if (expected !== undefined && expected !== "*" && expected !== table.etag) {
    throw preconditionFailed(table.id, expected);
  }
  table.tags = parseTags(context.body);
  table.etag = newEtag();
  return { status: 200, body: renderRouteTable(table, context.store.subnetsOf(table.id)) };
};
