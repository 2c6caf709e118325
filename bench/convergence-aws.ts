import { createProvider } from "../providers/registry.js";
import { systemClock } from "../src/clock.js";
import { seedVpc } from "../test/harness/ec2-seed.js";
import { fixtureSliceManager } from "../test/harness/kube-objects.js";
import { localStackEc2Client } from "../test/harness/localstack.js";
import { awsMoveWorld, createTableSet, vpnCidrs } from "./aws-world.js";
import { startBenchController } from "./bench-controller.js";
import { largeFamily, pacedDefaults, type Shape } from "./configs.js";
import { type ConfigReport, convergenceTargets, ratioMethod } from "./convergence-report.js";
import { createVpnService, startKubeAndEc2 } from "./environment.js";
import { measureConfig, pollGapMs } from "./measure-config.js";
import { type BenchResult, writeResult } from "./results.js";
import { benchResult, loadAverage, say, withCleanup } from "./support.js";

/**
 * Convergence on AWS: LocalStack EC2 and a real kube-apiserver, the controller in-process with
 * the real AWS provider. 1 CIDR x 3 route tables at product defaults, and 10 CIDRs x 10 route
 * tables with the write limiter bypassed, at the default budget, with the largest burst and at
 * 5 writes/s; each against the floor (one DescribeRouteTables, then ReplaceRoute per pair through
 * the controller's own EC2 client settings).
 */
export async function benchConvergenceAws(): Promise<BenchResult> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  const reports: ConfigReport[] = await withCleanup(async (cleanup) => {
    say("starting LocalStack (EC2) and kube-apiserver + etcd ...");
    const { kube, localstack } = await startKubeAndEc2(cleanup);
    const ec2 = localStackEc2Client(localstack.endpoint);
    const vpc = await seedVpc(ec2, { name: "bench", zones: 3 });
    const nodes = vpc.nodes.map((n) => ({
      name: n.name,
      providerId: n.providerId,
      internalIp: n.privateIp,
    }));
    const shape = async (cidrCount: number, tables: number): Promise<Shape> => {
      const name = `${cidrCount}x${tables}`;
      const namespace = `bench-${name}`;
      const cidrs = vpnCidrs(cidrCount);
      const set = await createTableSet(ec2, vpc, name, tables, cidrs);
      const objects = await createVpnService(kube.kubeconfigPath, namespace, cidrs, nodes);
      return {
        name,
        description: `${cidrCount} CIDR(s) x ${tables} route tables`,
        cidrs: cidrCount,
        tables,
        start: (settings) =>
          startBenchController({
            kubeconfigPath: kube.kubeconfigPath,
            bypassWriteLimit: settings.bypassWriteLimit,
            options: {
              provider: "aws",
              clusterId: `bench-${name}`,
              allowedCidrs: "10.8.0.0/16",
              allowedNamespaces: namespace,
              trustedEndpointSliceManagers: fixtureSliceManager,
              awsRegion: "us-east-1",
              awsEndpoint: localstack.endpoint,
              awsRouteTableTags: `${set.tag.key}=${set.tag.value}`,
              leaderElectNamespace: namespace,
              ...(settings.writesPerSecond ? { writesPerSecond: settings.writesPerSecond } : {}),
              ...(settings.writeBurst ? { writeBurst: settings.writeBurst } : {}),
            },
            provider: (config, logger, calls) =>
              createProvider(config, { clock: systemClock, logger, calls }),
          }),
        world: (controller) =>
          awsMoveWorld({
            objects,
            namespace,
            vpc,
            set,
            endpoint: localstack.endpoint,
            calls: () => controller.cloudCalls(),
          }),
      };
    };
    const out: ConfigReport[] = [(await measureConfig(pacedDefaults(await shape(1, 3)), 0)).report];
    let node = 0;
    for (const spec of largeFamily(await shape(10, 10))) {
      const measured = await measureConfig(spec, node);
      out.push(measured.report);
      node = measured.endNode;
    }
    return out;
  });
  const result = benchResult(
    "convergence-aws",
    "Convergence on AWS (LocalStack EC2 + kube-apiserver)",
    started,
    convergenceTargets(reports, "1x3"),
    {
      loadAverageAtStart: loadAtStart,
      environment:
        "LocalStack EC2 (localstack-core, host mode) and kube-apiserver + etcd on 127.0.0.1; controller in-process with the real AWS provider and @aws-sdk/client-ec2",
      method: [
        "latency per move: from the EndpointSlice replace call returning to a DescribeRouteTables (filtered by the configuration's table ids, from a separate EC2 client) showing every (table, CIDR) on the new node's ENI",
        `confirmation reads run back to back with a ${pollGapMs()} ms gap; their count and mean duration are in pollsPerMoveMean / pollMsMean: the observer costs up to one read on top of the real latency, and its load is shared by the controller's own calls`,
        "floor: the same move of a separate copy of the tables (same VPC, same CIDRs): one DescribeRouteTables filtered by the floor's table ids (the read before any write), then ReplaceRoute per pair, tables in parallel and serial within a table, through createEc2Client (the controller's exact client settings), 250 ms after each controller move (so the two never overlap) and polled the same way",
        "rate-limited rows: LocalStack does not throttle, so their floor is the unthrottled calls; on real AWS, ReplaceRoute has its own token bucket per account and region (capacity 50, refill 5/s: EC2 API request throttling, 'Mutating actions'), so 100 writes at once would be refused after 50 and need at least (100 - 50) / 5 = 10 s even for the raw calls; --write-burst is capped at 50 for that reason",
        ratioMethod,
        "callsPerMove: the controller's own cloud_api_calls_total, per move window (before the update -> after the floor), so a resync falling into a window is included",
      ],
      configs: reports,
    },
  );
  await writeResult(result);
  return result;
}
