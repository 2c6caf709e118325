import { PermanentError } from "../../src/errors.js";
import type { RouteTableTag } from "./options.js";
import { collectPages } from "./paginate.js";
import type { Ec2Filter, Ec2Port, Ec2RouteTable } from "./port.js";

/** Which route tables the admin put under management: explicit ids and/or tag selectors. */
export interface TableSelection {
  readonly ids: readonly string[];
  readonly tags: readonly RouteTableTag[];
}

/** EC2 accepts at most 200 values in one filter; longer id lists take one call per 200. */
const maxFilterValues = 200;

/**
 * One filter set per selector: `route-table-id` for the ids, and one set of `tag:<key>` filters
 * for the tags (ANDed by EC2; values of a repeated key ORed). Selection is server-side so steady
 * state costs one DescribeRouteTables per selector, however many tables the account has.
 */
export function selectorFilters(selection: TableSelection): Ec2Filter[][] {
  const sets: Ec2Filter[][] = [];
  const ids = [...new Set(selection.ids)];
  for (let i = 0; i < ids.length; i += maxFilterValues) {
    sets.push([{ name: "route-table-id", values: ids.slice(i, i + maxFilterValues) }]);
  }
  if (selection.tags.length > 0) {
    const byKey = new Map<string, Set<string>>();
    for (const { key, value } of selection.tags) {
      byKey.set(key, (byKey.get(key) ?? new Set()).add(value));
    }
    sets.push([...byKey].map(([key, values]) => ({ name: `tag:${key}`, values: [...values] })));
  }
  return sets;
}

/**
 * Describes every managed route table (union of the selectors, each table once). An explicit id
 * that AWS does not return is a PermanentError naming it: a typo or a deleted table must not
 * quietly shrink what the controller manages.
 */
export async function describeManagedTables(
  port: Ec2Port,
  selection: TableSelection,
  region: string,
): Promise<Ec2RouteTable[]> {
  const byId = new Map<string, Ec2RouteTable>();
  for (const filters of selectorFilters(selection)) {
    for (const table of await collectPages(port.describeRouteTables(filters))) {
      byId.set(table.id, table);
    }
  }
  const missing = selection.ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const list = missing.join(", ");
    throw new PermanentError(
      `route table${missing.length > 1 ? "s" : ""} ${list} from routeTableIds ${missing.length > 1 ? "do" : "does"} not exist in region ${region} or ${missing.length > 1 ? "are" : "is"} not visible to the controller's credentials; fix routeTableIds (or the region), or grant ec2:DescribeRouteTables`,
    );
  }
  return [...byId.values()];
}
