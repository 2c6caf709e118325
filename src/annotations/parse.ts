import type { Cidr } from "../domain/cidr.js";
import type { OnNoEndpoint } from "../domain/service.js";
import { suggestClosest } from "../suggest.js";
import { parseCidrsValue } from "./cidrs-value.js";
import {
  annotationPrefix,
  cidrsAnnotation,
  isOurAnnotation,
  knownAnnotations,
  masqueradeAnnotation,
  onNoEndpointAnnotation,
  routeTablesAnnotation,
} from "./keys.js";
import { parseRouteTablesValue } from "./route-tables-value.js";
import { quote } from "./text.js";

/** A Service's request as written: syntactically valid, not yet checked against the allowlist. */
export interface AnnotationRequest {
  cidrs: Cidr[];
  /** Narrowing of the configured route tables; undefined means all of them. */
  routeTables: string[] | undefined;
  onNoEndpoint: OnNoEndpoint;
  /** Node agent only: MASQUERADE traffic to these CIDRs; undefined leaves the agent's global setting. */
  masquerade: boolean | undefined;
}

/**
 * `none` (not ours: no event, no routes), `valid`, or `invalid` with every problem, so the user can
 * fix them all from one Event instead of one per edit.
 */
export type AnnotationResult =
  | { kind: "none" }
  | { kind: "valid"; request: AnnotationRequest }
  | { kind: "invalid"; errors: string[] };

const onNoEndpointValues: readonly OnNoEndpoint[] = ["keep", "withdraw"];

function parseOnNoEndpoint(
  value: string,
): { ok: true; value: OnNoEndpoint } | { ok: false; error: string } {
  const match = onNoEndpointValues.find((allowed) => allowed === value);
  if (match !== undefined) return { ok: true, value: match };
  const near = suggestClosest(value.trim(), onNoEndpointValues);
  const hint = near === undefined ? "" : ` (did you mean ${near}?)`;
  const error = `annotation ${onNoEndpointAnnotation}: ${quote(value)} is not supported${hint}; use keep (leave the last route in place) or withdraw (remove the routes while no endpoint is ready)`;
  return { ok: false, error };
}

function unknownKeyError(key: string): string {
  const names = knownAnnotations.map((known) => known.slice(annotationPrefix.length));
  const near = suggestClosest(key.slice(annotationPrefix.length), names);
  const fix =
    near === undefined
      ? `the known ones are ${knownAnnotations.join(", ")}; rename or remove it`
      : `did you mean ${annotationPrefix}${near}?`;
  return `annotation ${key}: is not a vpc-route-sync annotation; ${fix}`;
}

/**
 * Reads the vpc-route-sync annotations of one Service. Pure and total: any string map gives a
 * result, never an exception, because the input is written by whoever can edit the Service.
 */
export function parseServiceAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  limits: { maxCidrs: number },
): AnnotationResult {
  const ours = Object.entries(annotations ?? {})
    .filter(([key]) => isOurAnnotation(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (ours.length === 0) return { kind: "none" };

  const errors: string[] = [];
  let cidrs: Cidr[] | undefined;
  let routeTables: string[] | undefined;
  let onNoEndpoint: OnNoEndpoint = "keep";
  let masquerade: boolean | undefined;
  for (const [key, value] of ours) {
    if (key === cidrsAnnotation) {
      const parsed = parseCidrsValue(value, limits.maxCidrs);
      if (parsed.ok) cidrs = parsed.cidrs;
      else errors.push(...parsed.errors);
    } else if (key === routeTablesAnnotation) {
      const parsed = parseRouteTablesValue(value);
      if (parsed.ok) routeTables = parsed.routeTables;
      else errors.push(...parsed.errors);
    } else if (key === onNoEndpointAnnotation) {
      const parsed = parseOnNoEndpoint(value);
      if (parsed.ok) onNoEndpoint = parsed.value;
      else errors.push(parsed.error);
    } else if (key === masqueradeAnnotation) {
      if (value === "true" || value === "false") masquerade = value === "true";
      else
        errors.push(
          `annotation ${masqueradeAnnotation}: ${quote(value)} is not supported; use true or false`,
        );
    } else {
      errors.push(unknownKeyError(key));
    }
  }

  const hasCidrs = ours.some(([key]) => key === cidrsAnnotation);
  const options = ours
    .map(([key]) => key)
    .filter((key) => key !== cidrsAnnotation && knownAnnotations.includes(key));
  if (!hasCidrs && options.length > 0) {
    const listed = options.join(" and ");
    const verb = options.length > 1 ? "are" : "is";
    errors.push(
      `annotation ${cidrsAnnotation}: is missing but ${listed} ${verb} set; set ${cidrsAnnotation} to the VPN networks, or remove ${listed}`,
    );
  }
  if (errors.length > 0 || cidrs === undefined) {
    return { kind: "invalid", errors };
  }
  return { kind: "valid", request: { cidrs, routeTables, onNoEndpoint, masquerade } };
}
