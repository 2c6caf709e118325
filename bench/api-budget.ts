import { createProvider } from "../providers/registry.js";
import { systemClock } from "../src/clock.js";
import { seedVpc } from "../test/harness/ec2-seed.js";
import { fixtureSliceManager } from "../test/harness/kube-objects.js";
import { localStackEc2Client } from "../test/harness/localstack.js";
import { allRouteTo, benchEc2Port } from "./aws-world.js";
import { startBenchController } from "./bench-controller.js";
import { budgetTargets } from "./budget-targets.js";
import { annotate, type BudgetWindow, budgetWindow } from "./budget-window.js";
import { startEc2Tap } from "./ec2-tap.js";
import { createVpnService, startKubeAndEc2 } from "./environment.js";
import { type BenchResult, writeResult } from "./results.js";
import { benchResult, envInt, loadAverage, say, withCleanup } from "./support.js";

const cidr = "10.8.0.0/24";
const extra = "10.8.1.0/24";
const key = "vpc-route-sync.io/cidrs";

/**
 * API budget on AWS: every EC2 call the controller makes, counted at the wire by a recording
 * pass-through (and cross-checked with its own metric), per move, per CIDR added or removed,
 * and over an idle window at the default 60 s resync. 1 CIDR x 3 route tables, product defaults.
 */
export async function benchApiBudget(): Promise<BenchResult> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  const moves = envInt("BENCH_BUDGET_MOVES", 10);
  const idleSeconds = envInt("BENCH_IDLE_SECONDS", 60);
  const settleMs = 1500;
  const windows = await withCleanup(async (cleanup) => {
    say("starting LocalStack (EC2) and kube-apiserver + etcd ...");
    const { kube, localstack } = await startKubeAndEc2(cleanup);
    const tap = await startEc2Tap(localstack.endpoint);
    cleanup.add("EC2 tap", () => tap.close());
    const vpc = await seedVpc(localStackEc2Client(localstack.endpoint), { name: "budget" });
    const nodes = vpc.nodes.map((n) => ({
      name: n.name,
      providerId: n.providerId,
      internalIp: n.privateIp,
    }));
    const objects = await createVpnService(kube.kubeconfigPath, "vpn", [cidr], nodes);
    const poller = benchEc2Port(localstack.endpoint);
    const ids = vpc.routeTableIds;
    const eni = (i: number) => vpc.nodes[i % 3]?.eniId ?? "";
    const at = (cidrs: string[], node: number) => () => allRouteTo(poller, ids, cidrs, eni(node));
    const out: BudgetWindow[] = [];
    const controller = await startBenchController({
      kubeconfigPath: kube.kubeconfigPath,
      options: {
        provider: "aws",
        clusterId: "budget",
        allowedCidrs: "10.8.0.0/16",
        allowedNamespaces: "vpn",
        trustedEndpointSliceManagers: fixtureSliceManager,
        awsRegion: "us-east-1",
        awsEndpoint: tap.url,
        awsRouteTableTags: `${vpc.routeTableTag.key}=${vpc.routeTableTag.value}`,
        leaderElectNamespace: "vpn",
      },
      provider: (config, logger, calls) =>
        createProvider(config, { clock: systemClock, logger, calls }),
    });
    cleanup.add("controller", () => controller.running.stop());
    const window = (
      label: string,
      changedPairs: number,
      act: () => Promise<void>,
      done: () => Promise<boolean>,
    ) => budgetWindow(tap, controller, { label, changedPairs, act, done, settleMs });
    say("start-up: first programming of 1 CIDR x 3 route tables");
    out.push(await window("start-up", 3, async () => {}, at([cidr], 0)));
    say(`${moves} moves, ${settleMs} ms apart after convergence`);
    for (let move = 1; move <= moves; move++) {
      const set = () =>
        objects.setEndpoints("vpn", "vpn", [
          { nodeName: nodes[move % 3]?.name ?? "", address: `10.244.${move % 3}.10` },
        ]);
      out.push(await window(`move ${move}`, 3, set, at([cidr], move)));
    }
    say("a second CIDR added, then removed");
    const both = `${cidr}, ${extra}`;
    out.push(
      await window(
        "CIDR added",
        3,
        () => annotate(objects, "vpn", { [key]: both }),
        at([cidr, extra], moves),
      ),
    );
    const gone = async () =>
      !(await allRouteTo(poller, ids, [extra], eni(moves))) && (await at([cidr], moves)());
    out.push(
      await window("CIDR removed", 3, () => annotate(objects, "vpn", { [key]: cidr }), gone),
    );
    say(`idle for ${idleSeconds} s (default resync: 60 s) ...`);
    out.push(
      await window(
        "idle",
        0,
        () => new Promise((r) => setTimeout(r, idleSeconds * 1000)),
        async () => true,
      ),
    );
    return out;
  });
  const result = benchResult(
    "api-budget",
    "API budget on AWS (EC2 calls at the wire)",
    started,
    budgetTargets(windows, idleSeconds),
    {
      loadAverageAtStart: loadAtStart,
      setup:
        "LocalStack EC2 + kube-apiserver; controller in-process at product defaults (60 s resync, 2 writes/s), 1 CIDR x 3 route tables selected by tag; its EC2 endpoint is a recording pass-through (bench/ec2-tap.ts) to LocalStack; the benchmark's own reads go to LocalStack directly and are not counted",
      method: `each window: reset the counts, act, wait until the cloud shows the result, then ${settleMs} ms for trailing calls; the idle window lasts ${idleSeconds} s and is normalised to a minute and to the resync passes it contained`,
      passesPerMove: windows.filter((w) => w.label.startsWith("move ")).map((w) => w.passes),
      windows,
    },
  );
  await writeResult(result);
  return result;
}
