import { mustParseCidr } from "../src/domain/cidr.js";
import type { ObservedRoute, ObservedTable, RouteTarget } from "../src/domain/route.js";
import type { ServiceIntent } from "../src/domain/service.js";
import { type PlanInput, planRoutes } from "../src/planner/plan.js";
import { targetKey } from "../src/planner/target-selection.js";

/** The size of the planner world and how many plans to time. */
export interface PlannerRun {
  readonly tables: number;
  readonly cidrs: number;
  readonly iterations: number;
  readonly warmUp: number;
}

/** Wall and CPU milliseconds of each timed plan, and how many actions a plan has. */
export interface PlannerTimings {
  readonly ms: number[];
  readonly cpuMs: number[];
  readonly actions: number;
}

/**
 * `tables` route tables x `cidrs` CIDRs of 10 Services, every table holding every CIDR: half the
 * routes point at a node that no longer hosts the Service (replace), half are in sync (keep).
 */
export function plannerWorld(tableCount: number, cidrCount: number): PlanInput {
  const cidrs = Array.from(
    { length: cidrCount },
    (_, i) => `10.${8 + Math.floor(i / 256)}.${i % 256}.0/24`,
  );
  const intents: ServiceIntent[] = Array.from({ length: 10 }, (_, s) => ({
    key: `vpn/svc-${s}`,
    createdAt: `2026-01-0${1 + (s % 9)}T00:00:00Z`,
    cidrs: cidrs.slice(s * (cidrCount / 10), (s + 1) * (cidrCount / 10)).map(mustParseCidr),
    routeTables: undefined,
    onNoEndpoint: "keep",
    endpoints: [
      { address: "10.244.0.5", nodeName: `node-${s % 3}`, ready: true, terminating: false },
    ],
  }));
  const tables: ObservedTable[] = Array.from({ length: tableCount }, (_, t) => {
    const id = `rtb-${t.toString(16).padStart(17, "0")}`;
    const routes: ObservedRoute[] = cidrs.map((cidr, i) => ({
      table: id,
      cidr,
      targetId: (i + t) % 2 === 0 ? `eni-${Math.floor(i / (cidrCount / 10)) % 3}` : "eni-old",
      targetDescription: "eni",
      owner: { clusterId: "bench", service: `vpn/svc-${Math.floor(i / (cidrCount / 10))}` },
      exists: true,
    }));
    return { id, routes };
  });
  const targets = new Map<string, RouteTarget>();
  for (let n = 0; n < 3; n++)
    targets.set(targetKey(`node-${n}`, 4), { id: `eni-${n}`, nodeName: `node-${n}` });
  return {
    clusterId: "bench",
    policy: {
      allowedCidrs: [mustParseCidr("10.0.0.0/8")],
      minPrefixLength: { v4: 16, v6: 48 },
      refused: [],
      ipv6Supported: true,
    },
    adoptExistingRoutes: false,
    intents,
    frozen: [],
    tables,
    targets,
  };
}

/** Plans the world `warmUp + iterations` times back to back and times the last `iterations`. */
export function timePlans(run: PlannerRun): PlannerTimings {
  const input = plannerWorld(run.tables, run.cidrs);
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let actions = 0;
  for (let i = 0; i < run.warmUp + run.iterations; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const plan = planRoutes(input);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (i >= run.warmUp) {
      ms.push(wall);
      cpuMs.push((cpu.user + cpu.system) / 1000);
    }
    actions = plan.actions.length;
  }
  return { ms, cpuMs, actions };
}
