import { isGone } from "./errors.js";
import type { KubeList } from "./types.js";

/** How to list, and what to do with each object. */
export interface ListOptions<T> {
  readonly onItem: (item: T) => void;
  /** Called when an expired continue token made the list start over: drop what was collected. */
  readonly onRestart?: () => void;
  /** Objects per page (default 500, as client-go's pager). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
  /** Bound on each page's request (default: the client's list timeout). */
  readonly timeoutMs?: number;
}

/** Default page size. */
export const defaultPageSize = 500;

/** How often an expired continue token may restart one list before it fails. */
const maxRestarts = 3;

/** The list metadata of a page: its resourceVersion and the token for the next page. */
export type ListMeta = NonNullable<KubeList<unknown>["metadata"]>;

/**
 * Fetches one page (the list path with `limit` and, after the first page, `continue`), handing
 * each item to `onItem` as it is read; resolves with the page's list metadata.
 */
export type PageFetcher<T> = (
  query: { limit: number; continue: string | undefined },
  onItem: (item: T) => void,
) => Promise<ListMeta>;

/**
 * Lists page by page (limit + continue), handing each object to `onItem` as it arrives, so a
 * cluster-wide list of 20,000 objects never sits in memory at once. A continue token that
 * expired (410, the server compacted the snapshot) restarts the list from the beginning.
 * Returns the list's resourceVersion, to watch from.
 */
export async function listInPages<T>(
  fetch: PageFetcher<T>,
  options: ListOptions<T>,
): Promise<string> {
  const limit = options.limit ?? defaultPageSize;
  let restarts = 0;
  let token: string | undefined;
  for (;;) {
    let page: ListMeta;
    try {
      page = await fetch({ limit, continue: token }, options.onItem);
    } catch (error) {
      if (token === undefined || !isGone(error) || restarts >= maxRestarts) throw error;
      restarts++;
      token = undefined;
      options.onRestart?.();
      continue;
    }
    token = page.continue || undefined;
    if (token === undefined) return page.resourceVersion ?? "";
  }
}
