import { type DemoWorld, demoNamespace, routeTargets, type Sighting } from "./demo-world.js";

/** One drain's timeline, each in ms from the cordon (the drain's start). */
export interface Move {
  readonly from: string;
  readonly to: string;
  /** The watch first saw the replacement Pod ready on `to`. */
  readonly podReadyMs: number;
  /** The watch first saw `to`'s endpoint ready in the EndpointSlice. */
  readonly sliceMs: number;
  /** A read of the route tables first found every table routing to `to`. */
  readonly routesMs: number;
  /** Route writes the controller made for this move. */
  readonly writes: number;
}

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** The node of the single VPN Pod, once it is ready and alone (the old one gone); waits 60 s. */
export async function hostingNode(world: DemoWorld): Promise<string> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(50)) {
    const all = await world.workloads.pods(demoNamespace, "openvpn");
    const ready = await world.workloads.readyPods(demoNamespace, "openvpn");
    if (ready.length === 1 && all.length === 1) return ready[0]?.spec?.nodeName ?? "";
  }
  throw new Error("the VPN Deployment did not settle on one ready Pod within 60 s");
}

/** Reads the tables back to back until all route to one node other than `from`; returns it. */
async function routesLeave(world: DemoWorld, from: string): Promise<string> {
  const fromEni = world.vpc.nodes.find((n) => n.name === from)?.eniId;
  for (const deadline = performance.now() + 30_000; performance.now() < deadline; ) {
    const targets = await routeTargets(world);
    const first = targets[0];
    if (first !== undefined && first !== fromEni && targets.every((t) => t === first)) {
      const to = world.vpc.nodes.find((n) => n.eniId === first)?.name;
      if (to !== undefined) return to;
    }
  }
  throw new Error(`the route tables did not leave ${from} within 30 s of the drain`);
}

/** The first sighting from `t0` on that shows `node` serving, as ms from `t0` (NaN if none). */
const firstSeen = (log: readonly Sighting[], node: string, t0: number) =>
  (log.find((s) => s.at >= t0 && s.readyNodes.includes(node))?.at ?? Number.NaN) - t0;

/**
 * Drains the node hosting the VPN Pod as `kubectl drain` does (cordon, then the Eviction API for
 * its Pod), waits until every route table routes to the replacement's node, and reads the
 * timeline off the watches. Then uncordons and waits for the old Pod to be gone.
 */
export async function drainMove(
  world: DemoWorld,
  routeWrites: () => Promise<number>,
): Promise<Move> {
  const from = await hostingNode(world);
  const writesBefore = await routeWrites();
  const t0 = performance.now();
  await world.workloads.cordon(from);
  await world.workloads.evictPodsOn(from, demoNamespace);
  const to = await routesLeave(world, from);
  const routesMs = performance.now() - t0;
  await world.workloads.cordon(from, false);
  await hostingNode(world);
  return {
    from,
    to,
    podReadyMs: firstSeen(world.podLog, to, t0),
    sliceMs: firstSeen(world.sliceLog, to, t0),
    routesMs,
    writes: (await routeWrites()) - writesBefore,
  };
}
