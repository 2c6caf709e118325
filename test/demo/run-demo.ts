import { summarize } from "../../bench/stats.js";
import { createProvider } from "../../providers/registry.js";
import { startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { DemoCleanup } from "./demo-cleanup.js";
import {
  type DemoWorld,
  demoCidr,
  demoNamespace,
  routeTargets,
  startDemoWorld,
} from "./demo-world.js";
import { drainMove, hostingNode, type Move } from "./drain-move.js";

const say = (line = "") => process.stdout.write(`${line}\n`);
const s = (ms: number) => `+${(ms / 1000).toFixed(2)} s`;
/** EndpointSlice -> routes in whole ms, rounded once so a move's line and the summary agree. */
const sliceToRoutes = (m: Move) => Math.round(m.routesMs - m.sliceMs);

/** The controller in-process at product defaults (trusting the real EndpointSlice controller). */
async function startDemoController(world: DemoWorld, verbose: boolean) {
  const kubeconfig = world.plane.kube.kubeconfigPath;
  const tag = world.vpc.routeTableTag;
  const config = loadConfig({
    options: {
      provider: "aws",
      clusterId: "demo",
      allowedCidrs: "10.8.0.0/16",
      allowedNamespaces: demoNamespace,
      awsRegion: "us-east-1",
      awsEndpoint: world.localstack.endpoint,
      awsRouteTableTags: `${tag.key}=${tag.value}`,
      kubeconfig,
      leaderElectNamespace: demoNamespace,
      httpAddress: "127.0.0.1:0",
      logLevel: verbose ? "info" : "warn",
      logPretty: true,
    },
    env: {},
  });
  const logger = createLogger({ level: config.log.level, pretty: true });
  const metrics = createMetrics("aws");
  const controller = await startController({
    config,
    kubeConfig: loadKubeConfig(kubeconfig),
    provider: await createProvider(config, {
      clock: systemClock,
      logger,
      calls: metrics.callObserver,
    }),
    metrics,
    logger,
    clock: systemClock,
  });
  const routeWrites = async () =>
    (await metrics.routeWrites.get()).values.reduce((sum, v) => sum + v.value, 0);
  return { controller, routeWrites };
}

/** Waits (60 s) until every table routes the CIDR to `eni`. */
async function routesOn(world: DemoWorld, eni: string | undefined): Promise<void> {
  const started = performance.now();
  while (!(await routeTargets(world)).every((t) => t === eni)) {
    if (performance.now() - started > 60_000)
      throw new Error(`the route tables did not reach ${eni} within 60 s of the start`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function printTables(world: DemoWorld): Promise<void> {
  const targets = await routeTargets(world);
  for (const [i, table] of world.vpc.routeTableIds.entries()) {
    const eni = targets[i];
    const node = world.vpc.nodes.find((n) => n.eniId === eni)?.name;
    say(`    ${table}  ${demoCidr} -> ${eni ?? "(none)"}${node ? ` (${node})` : ""}`);
  }
}

function printMove(n: number, m: Move, tables: number): void {
  say(
    `move ${n}: drain ${m.from} -> Pod ready on ${m.to} ${s(m.podReadyMs)}, EndpointSlice updated ${s(m.sliceMs)}, all ${tables} route tables on ${m.to} ${s(m.routesMs)} (EndpointSlice -> routes ${sliceToRoutes(m)} ms, ${m.writes} route writes)`,
  );
}

function printSummary(moves: readonly Move[], tables: number): void {
  if (moves.length === 0) return;
  const drain = summarize(moves.map((m) => Math.round(m.routesMs)));
  const slice = summarize(moves.map(sliceToRoutes));
  const writes = [...new Set(moves.map((m) => m.writes))].join(", ");
  say(`\n${moves.length} drain${moves.length === 1 ? "" : "s"}:`);
  say(
    `  drain -> all route tables moved:        median ${drain.p50.toFixed(0)} ms, max ${drain.max.toFixed(0)} ms`,
  );
  say(
    `  EndpointSlice -> all route tables moved: median ${slice.p50.toFixed(0)} ms, max ${slice.max.toFixed(0)} ms`,
  );
  say(`  route writes per move: ${writes} (1 CIDR x ${tables} tables)`);
}

/**
 * The local demo on a real control plane: LocalStack EC2, etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok on loopback; the VPN server as a Deployment on
 * three kwok Nodes; the controller; then `moves` drains of the hosting node, each timed from the
 * drain to the Pod ready, the EndpointSlice updated and every route table moved. Leaves nothing
 * running, also on Ctrl-C.
 */
export async function runDemo(options: { moves: number; verbose: boolean }): Promise<number> {
  const cleanup = new DemoCleanup();
  cleanup.stopOnSignals(say);
  say("vpc-route-sync demo: starting LocalStack (EC2) and a control plane on 127.0.0.1");
  say(
    "  (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok; the first run builds them) ...",
  );
  try {
    const world = await startDemoWorld(cleanup, say);
    const first = await hostingNode(world);
    say(`  VPN Pod ready on ${first}`);
    const started = performance.now();
    const { controller, routeWrites } = await startDemoController(world, options.verbose);
    cleanup.add("the controller", () => controller.stop());
    say(`\ncontroller started (metrics on http://127.0.0.1:${controller.healthPort}/metrics)`);
    await routesOn(world, world.vpc.nodes.find((n) => n.name === first)?.eniId);
    const ms = performance.now() - started;
    const tables = world.vpc.routeTableIds.length;
    say(
      `  all ${tables} route tables -> ${first} ${ms.toFixed(0)} ms after the controller's start (includes leader election)`,
    );
    await printTables(world);
    say();
    const moves: Move[] = [];
    for (let n = 1; n <= options.moves; n++) {
      const move = await drainMove(world, routeWrites);
      moves.push(move);
      printMove(n, move, tables);
    }
    if (moves.length > 0) {
      say("\nroute tables now:");
      await printTables(world);
    }
    printSummary(moves, tables);
    return 0;
  } catch (error) {
    await cleanup.afterSignal();
    throw error;
  } finally {
    say("\nstopping the controller, kwok, the control plane and LocalStack ...");
    await cleanup.runAll();
    say("done; nothing left running.");
  }
}
