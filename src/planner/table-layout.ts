import type { RouteOwner, RouteTarget } from "../domain/route.js";
import type { Grant } from "./desired.js";

/** One route a table should have; the same object serves every table its Service covers. */
export interface WantedRoute {
  readonly cidr: string;
  readonly target: RouteTarget;
  /** The ownership record to write: this cluster and the requesting Service. */
  readonly owner: RouteOwner;
}

/** A table's wanted routes in CIDR order, and where each CIDR sits in that order. */
export interface TableLayout {
  readonly wanted: readonly WantedRoute[];
  /** Index in `wanted` of each CIDR's first entry. */
  readonly indexOf: ReadonlyMap<string, number>;
}

/** The layout of a table no Service wants anything in. */
export const emptyLayout: TableLayout = { wanted: [], indexOf: new Map() };

const byCidr = (a: WantedRoute, b: WantedRoute): number =>
  a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0;

function layOut(wanted: WantedRoute[]): TableLayout {
  wanted.sort(byCidr);
  const indexOf = new Map<string, number>();
  wanted.forEach((w, i) => {
    if (!indexOf.has(w.cidr)) indexOf.set(w.cidr, i);
  });
  return { wanted, indexOf };
}

/**
 * Lays out the wanted routes of every table some grant covers. Tables covered by the same grants
 * share one layout, so sorting and indexing happen once per distinct set of Services rather than
 * once per table: with every Service in every table, 1,000 tables need a single layout.
 */
export function layOutTables(
  grants: readonly Grant[],
  clusterId: string,
): Map<string, TableLayout> {
  const wantedOf = grants.map((grant) => {
    const owner: RouteOwner = { clusterId, service: grant.service };
    return grant.routes.map(({ cidr, target }) => ({ cidr: cidr.text, target, owner }));
  });
  const covering = new Map<string, number[]>();
  grants.forEach((grant, g) => {
    for (const table of grant.tables) {
      const list = covering.get(table);
      if (list === undefined) covering.set(table, [g]);
      else list.push(g);
    }
  });
  const shared = new Map<string, TableLayout>();
  const layouts = new Map<string, TableLayout>();
  for (const [table, list] of covering) {
    const key = list.join(",");
    let layout = shared.get(key);
    if (layout === undefined) {
      layout = layOut(list.flatMap((g) => wantedOf[g] ?? []));
      shared.set(key, layout);
    }
    layouts.set(table, layout);
  }
  return layouts;
}
