import type { DrainWorld } from "./drain-world.js";
import type { ProviderEvent } from "./phases.js";

const ms = (x: number) => Math.round(x * 10) / 10;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** One drain as measured. */
export interface DrainSample {
  readonly from: string;
  readonly to: string;
  /** Cordon + eviction started -> every table routes to the new node. */
  readonly drainToRoutesMs: number;
  /** The EndpointSlice first showed the new node ready -> every table routes to it. */
  readonly sliceToRoutesMs: number;
  /** Route writes (Create/Replace/DeleteRoute) the controller made for this drain. */
  readonly writes: number;
  /** Route-table reads during the drain that found a table without the route. */
  readonly readsWithoutRoute: number;
  readonly reads: number;
  /** From the first read that found a table without the route to convergence; 0 if none did. */
  readonly withoutRouteMs: number;
  /** The controller's pass, from the EndpointSlice event (ms); NaN when it did not happen. */
  readonly phases: DrainPhases;
}

/** Where the controller's share went, each from the EndpointSlice showing the new node ready. */
export interface DrainPhases {
  /** Its route-table read started (watch delivery, queue, pass start). */
  readonly passStartedMs: number;
  /** Its first write sent (table read, Node read and target resolution, planning, limiter). */
  readonly firstWriteMs: number;
  /** Its last write answered. */
  readonly writesDoneMs: number;
}

/** The controller's provider calls between the slice event and convergence, as phases. */
function phasesOf(
  events: readonly ProviderEvent[],
  sliceAt: number,
  converged: number,
): DrainPhases {
  const within = events.filter((e) => e.start >= sliceAt && e.start <= converged);
  const since = (t: number | undefined) => (t === undefined ? Number.NaN : ms(t - sliceAt));
  const writes = within.filter((e) => e.op === "applyWrite");
  return {
    passStartedMs: since(within.find((e) => e.op === "listTables")?.start),
    firstWriteMs: since(writes[0]?.start),
    writesDoneMs: since(writes.length === 0 ? undefined : Math.max(...writes.map((w) => w.end))),
  };
}

/** The node hosting the single ready, not terminating VPN Pod (waits for it). */
export async function hostingNode(world: DrainWorld): Promise<string> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(20)) {
    const ready = await world.workloads.readyPods(world.namespace, "openvpn");
    const all = await world.workloads.pods(world.namespace, "openvpn");
    if (ready.length === 1 && all.length === 1) return ready[0]?.spec?.nodeName ?? "";
  }
  throw new Error("the VPN Deployment did not settle on one ready Pod within 60 s");
}

/**
 * One drain: cordon the hosting node and evict its Pod through the Eviction API (what
 * `kubectl drain` does, without the CLI's start-up), then read the route tables back to back
 * until every table routes to another node. Uncordons and waits for the old Pod to go.
 */
export async function drainOnce(
  world: DrainWorld,
  routeWrites: () => Promise<number>,
  providerEvents: readonly ProviderEvent[],
): Promise<DrainSample> {
  const from = await hostingNode(world);
  const eniOf = (name: string) => world.vpc.nodes.find((n) => n.name === name)?.eniId;
  const fromEni = eniOf(from);
  const writesBefore = await routeWrites();
  let reads = 0;
  let readsWithoutRoute = 0;
  let firstMissingAt: number | undefined;
  const t0 = performance.now();
  await world.workloads.cordon(from);
  await world.workloads.evictPodsOn(from, world.namespace);
  let to: string | undefined;
  for (const deadline = t0 + 30_000; performance.now() < deadline; ) {
    const targets = await world.routeTargets();
    reads++;
    if (targets.some((t) => t === undefined)) {
      readsWithoutRoute++;
      firstMissingAt ??= performance.now();
    }
    const first = targets[0];
    if (first !== undefined && first !== fromEni && targets.every((t) => t === first)) {
      to = world.vpc.nodes.find((n) => n.eniId === first)?.name;
      break;
    }
  }
  const converged = performance.now();
  if (to === undefined) throw new Error(`routes did not leave ${from} within 30 s of the drain`);
  const sliceAt = world.sliceLog.find((o) => o.at >= t0 && o.readyNodes.includes(to))?.at;
  await world.workloads.cordon(from, false);
  await hostingNode(world);
  return {
    from,
    to,
    drainToRoutesMs: ms(converged - t0),
    sliceToRoutesMs: sliceAt === undefined ? Number.NaN : ms(converged - sliceAt),
    writes: (await routeWrites()) - writesBefore,
    readsWithoutRoute,
    reads,
    withoutRouteMs: firstMissingAt === undefined ? 0 : ms(converged - firstMissingAt),
    phases: phasesOf(providerEvents, sliceAt ?? Number.NaN, converged),
  };
}
