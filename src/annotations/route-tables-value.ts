import { routeTablesAnnotation } from "./keys.js";
import { capEntryErrors, checkRawValue, quote, splitList } from "./text.js";

/** Parsed `vpc-route-sync.io/route-tables`: the ids when every entry is valid, else every problem. */
export type RouteTablesValue =
  | { ok: true; routeTables: string[] }
  | { ok: false; errors: string[] };

const key = routeTablesAnnotation;

/**
 * A conservative id charset covering AWS (`rtb-...`), GCP names and Azure resource ids (which
 * contain `/`). Whether an id is one of the admin's route tables is decided later, by the planner.
 */
const routeTableId = /^[A-Za-z0-9._/:-]{1,256}$/;

/**
 * Parses the narrowing of route tables a Service asks for. Syntax only: the planner intersects it
 * with the admin-configured tables, so an annotation can never add a table.
 */
export function parseRouteTablesValue(value: string): RouteTablesValue {
  const rawProblem = checkRawValue(value);
  if (rawProblem !== undefined) return { ok: false, errors: [`annotation ${key}: ${rawProblem}`] };
  const entries = splitList(value);
  if (entries.length === 0) {
    return {
      ok: false,
      errors: [
        `annotation ${key}: is empty; list route table ids such as rtb-0123456789abcdef0, or remove the annotation to use all configured route tables`,
      ],
    };
  }
  const errors: string[] = [];
  const routeTables: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!routeTableId.test(entry)) {
      errors.push(
        `annotation ${key}: ${quote(entry)} is not a route table id; use up to 256 letters, digits and . _ / : - (e.g. rtb-0123456789abcdef0)`,
      );
    } else if (seen.has(entry)) {
      errors.push(`annotation ${key}: ${entry} is listed twice; remove the duplicate`);
    } else {
      seen.add(entry);
      routeTables.push(entry);
    }
  }
  return errors.length === 0
    ? { ok: true, routeTables }
    : { ok: false, errors: capEntryErrors(key, errors) };
}
