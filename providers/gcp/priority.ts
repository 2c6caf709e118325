/**
 * The priority band of make-before-break. A GCP route is immutable, so moving a CIDR means
 * inserting a new route and deleting the old one; the new one must never share the old one's
 * priority (equal priorities split traffic ECMP-style between the old and the new node).
 * Strictly "better than the current one" on every move would drift downwards without bound,
 * so our routes live in two slots, `base` and `base - 1`, and each move takes the other slot:
 *
 * - current at `base`     -> new at `base - 1` (better): traffic switches when the insert is DONE;
 * - current at `base - 1` -> new at `base` (worse): traffic switches when the delete is DONE.
 *
 * Either way there is always at least one route for the CIDR (insert DONE before delete starts),
 * moves never collide on a priority, and consecutive moves keep working forever. A replaced
 * route outside the band (an adopted foreign route) is simply outlived by a route at `base`.
 */

/** Slot for the new route, given the priorities of the routes it replaces. */
export function nextPriority(base: number, replaced: readonly number[]): number {
  const best = replaced.length === 0 ? undefined : Math.min(...replaced);
  return best === base ? base - 1 : base;
}
