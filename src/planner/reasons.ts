/** A value a reason is built from; undefined reads as "undefined", exactly as in a template. */
type Part = string | undefined;

/** Wraps a sentence builder so each distinct pair of parts is built once and then shared. */
function cached(build: (a: Part, b: Part) => string): (a: Part, b?: Part) => string {
  const built = new Map<Part, Map<Part, string>>();
  return (a, b) => {
    let byB = built.get(a);
    if (byB === undefined) {
      byB = new Map();
      built.set(a, byB);
    }
    let sentence = byB.get(b);
    if (sentence === undefined) {
      sentence = build(a, b);
      byB.set(b, sentence);
    }
    return sentence;
  };
}

/**
 * The sentences that explain actions, made once per plan. Reasons repeat at scale (a failover
 * moves every route of a Service off the same node), and building each one afresh was a fifth of
 * everything a 100,000-pair plan allocated; shared, they cost a lookup.
 */
export class Reasons {
  readonly created = cached((node) => `no route yet; routing to node ${node}`);
  readonly recreated = "ownership record found but the route is gone; recreating";
  readonly inSync = "in sync";
  readonly leftovers =
    "in effect, but an interrupted switch left another route of ours; removing it";
  readonly moved = cached((from, node) => `moving from ${from} to node ${node}`);
  readonly ownershipMoved = cached((from, to) => `ownership moves from ${from} to ${to}`);
  readonly otherCluster = cached(
    (cluster, service) =>
      `the route belongs to cluster ${JSON.stringify(cluster)} (Service ${service}); it is never touched`,
  );
  readonly unowned = cached(
    (to) =>
      `a route to ${to} exists and is not owned by vpc-route-sync; remove it or set adoptExistingRoutes`,
  );
  readonly adopted = cached((to) => `adopting the existing route to ${to}`);
  readonly withdrawn = cached((service) => `no longer requested by ${service}; withdrawing`);
  readonly staleRecord = "stale ownership record without a route; removing it";
}
