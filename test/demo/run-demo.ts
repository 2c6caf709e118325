import { DescribeRouteTablesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { createProvider } from "../../providers/registry.js";
import { startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { type SeededVpc, seedVpc } from "../harness/ec2-seed.js";
import { startKubeApiServer } from "../harness/kube-apiserver.js";
import { fixtureSliceManager, KubeObjects } from "../harness/kube-objects.js";
import { localStackEc2Client, startLocalStack } from "../harness/localstack.js";

const cidr = "10.8.0.0/24";
const say = (line = "") => process.stdout.write(`${line}\n`);

async function routeTargets(
  ec2: EC2Client,
  vpc: SeededVpc,
): Promise<Map<string, string | undefined>> {
  const out = await ec2.send(
    new DescribeRouteTablesCommand({ RouteTableIds: [...vpc.routeTableIds] }),
  );
  return new Map(
    (out.RouteTables ?? []).map((t) => [
      t.RouteTableId ?? "",
      t.Routes?.find((r) => r.DestinationCidrBlock === cidr)?.NetworkInterfaceId,
    ]),
  );
}

async function waitForAll(
  ec2: EC2Client,
  vpc: SeededVpc,
  eni: string,
  timeoutMs = 30_000,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const targets = await routeTargets(ec2, vpc);
    if (
      [...targets.values()].every((t) => t === eni) &&
      targets.size === vpc.routeTableIds.length
    ) {
      return performance.now() - started;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`route tables did not converge on ${eni} within ${timeoutMs} ms`);
}

async function printTables(ec2: EC2Client, vpc: SeededVpc): Promise<void> {
  const byEni = new Map(vpc.nodes.map((n) => [n.eniId, n.name]));
  for (const [table, eni] of await routeTargets(ec2, vpc)) {
    say(`    ${table}  ${cidr} -> ${eni ?? "(none)"} ${eni ? `(${byEni.get(eni)})` : ""}`);
  }
}

/**
 * The local demo: real LocalStack EC2 and a real kube-apiserver on loopback, a seeded VPC with
 * three route tables and nodes, the annotated VPN Service, the controller, and endpoint moves
 * timed from the EndpointSlice update to every route table converged. Leaves nothing running.
 */
export async function runDemo(options: { moves: number; verbose: boolean }): Promise<number> {
  say("vpc-route-sync demo: starting LocalStack (EC2) and kube-apiserver + etcd on 127.0.0.1 ...");
  const [localstack, kube] = await Promise.all([startLocalStack(), startKubeApiServer()]);
  const cleanup: (() => Promise<unknown>)[] = [() => localstack.stop(), () => kube.stop()];
  try {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
    const ec2 = localStackEc2Client(localstack.endpoint);
    const vpc = await seedVpc(ec2, { name: "demo" });
    say(`  VPC ${vpc.vpcId} (${vpc.vpcCidr}) with route tables ${vpc.routeTableIds.join(", ")}`);
    const objects = new KubeObjects(loadKubeConfig(kube.kubeconfigPath));
    for (const node of vpc.nodes) {
      await objects.createNode({
        name: node.name,
        providerId: node.providerId,
        internalIp: node.privateIp,
      });
      say(`  node ${node.name}: ${node.providerId}, ${node.privateIp}, ${node.eniId}`);
    }
    await objects.ensureNamespace("vpn");
    await objects.createService("vpn", "openvpn", { "vpc-route-sync.io/cidrs": cidr });
    const nodeAt = (i: number) => vpc.nodes[i % vpc.nodes.length] ?? vpc.nodes[0];
    const first = nodeAt(0);
    if (first === undefined) throw new Error("the seed created no nodes");
    await objects.setEndpoints("vpn", "openvpn", [
      { nodeName: first.name, address: "10.244.0.10" },
    ]);
    say(
      `  Service vpn/openvpn annotated vpc-route-sync.io/cidrs: "${cidr}", endpoint on ${first.name}`,
    );

    const config = loadConfig({
      options: {
        provider: "aws",
        clusterId: "demo",
        allowedCidrs: "10.8.0.0/16",
        allowedNamespaces: "vpn",
        trustedEndpointSliceManagers: fixtureSliceManager,
        awsRegion: "us-east-1",
        awsEndpoint: localstack.endpoint,
        awsRouteTableTags: `${vpc.routeTableTag.key}=${vpc.routeTableTag.value}`,
        kubeconfig: kube.kubeconfigPath,
        leaderElectNamespace: "kube-system",
        httpAddress: "127.0.0.1:0",
        logLevel: options.verbose ? "info" : "warn",
        logPretty: true,
      },
      env: {},
    });
    const logger = createLogger({ level: config.log.level, pretty: true });
    const metrics = createMetrics("aws");
    const controller = await startController({
      config,
      kubeConfig: loadKubeConfig(kube.kubeconfigPath),
      provider: await createProvider(config, {
        clock: systemClock,
        logger,
        calls: metrics.callObserver,
      }),
      metrics,
      logger,
      clock: systemClock,
    });
    cleanup.unshift(() => controller.stop());
    say(`\ncontroller started (metrics on http://127.0.0.1:${controller.healthPort}/metrics)`);
    const initial = await waitForAll(ec2, vpc, first.eniId);
    say(
      `  initial programming: all ${vpc.routeTableIds.length} route tables -> ${first.name} in ${initial.toFixed(0)} ms (includes leader election)`,
    );
    await printTables(ec2, vpc);
    const times: number[] = [];
    for (let move = 1; move <= options.moves; move++) {
      const from = nodeAt(move - 1);
      const to = nodeAt(move);
      if (from === undefined || to === undefined) break;
      await objects.setEndpoints("vpn", "openvpn", [
        { nodeName: to.name, address: `10.244.${move % 3}.10` },
      ]);
      const ms = await waitForAll(ec2, vpc, to.eniId);
      times.push(ms);
      say(
        `\nmove ${move}: VPN endpoint ${from.name} -> ${to.name}: all route tables converged in ${ms.toFixed(0)} ms`,
      );
      await printTables(ec2, vpc);
    }
    if (times.length > 0) {
      const sorted = [...times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      say(
        `\nconvergence over ${times.length} moves: median ${median.toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
      );
    }
    const writes = (await metrics.routeWrites.get()).values.reduce((sum, v) => sum + v.value, 0);
    say(`route writes: ${writes} (1 CIDR x ${vpc.routeTableIds.length} tables per move)`);
    return 0;
  } finally {
    say("\nstopping the controller, kube-apiserver and LocalStack ...");
    for (const step of cleanup) await step().catch(() => undefined);
    say("done; nothing left running.");
  }
}
