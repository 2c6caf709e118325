/**
 * `maxResults` / `pageToken` / `nextPageToken` as every Compute Engine v1 list method implements
 * them: at most 500 per page (default 500), an opaque token bound to the same filter, items in
 * name order unless `orderBy` says otherwise.
 */
import { createHash } from "node:crypto";
import { invalidField } from "./google-errors.js";

/** One page of `items`, and the token for the next page when there is one. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | undefined;
}

const maxPageSize = 500;

function fingerprint(query: URLSearchParams): string {
  const filter = query.get("filter") ?? "";
  return createHash("sha256").update(filter).digest("hex").slice(0, 12);
}

/** Cuts `all` (already filtered and ordered) into the page the query asks for. */
export function paginate<T>(all: readonly T[], query: URLSearchParams): Page<T> {
  const maxText = query.get("maxResults");
  const max = maxText === null || maxText === "0" ? maxPageSize : Number(maxText);
  if (!Number.isInteger(max) || max < 0 || max > maxPageSize) {
    throw invalidField("maxResults", maxText, "Must be less than or equal to 500");
  }
  let offset = 0;
  const token = query.get("pageToken");
  if (token !== null && token !== "") {
    const decoded = Buffer.from(token, "base64url").toString("utf8");
    const [print, at] = decoded.split(":");
    offset = Number(at);
    if (print !== fingerprint(query) || !Number.isInteger(offset) || offset < 0) {
      throw invalidField("pageToken", token, "Invalid page token.");
    }
  }
  const end = offset + max;
  const nextPageToken =
    end < all.length
      ? Buffer.from(`${fingerprint(query)}:${end}`, "utf8").toString("base64url")
      : undefined;
  return { items: all.slice(offset, end), nextPageToken };
}
