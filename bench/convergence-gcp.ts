import { createGcpProvider } from "../providers/gcp/index.js";
import { systemClock } from "../src/clock.js";
import { fakeAuthClient } from "../test/fakes/gcp/sdk-options.js";
import { startFakeCompute } from "../test/fakes/gcp/server.js";
import { fixtureSliceManager } from "../test/harness/kube-objects.js";
import { vpnCidrs } from "./aws-world.js";
import { startBenchController } from "./bench-controller.js";
import { largeFamily, pacedDefaults, type Shape } from "./configs.js";
import { type ConfigReport, convergenceTargets, ratioMethod } from "./convergence-report.js";
import { createVpnService, startKube } from "./environment.js";
import { createGcpFloor, gcpMoveWorld, gcpProject, seedGcpNetwork } from "./gcp-world.js";
import { measureConfig, pollGapMs } from "./measure-config.js";
import { type BenchResult, writeResult } from "./results.js";
import { benchResult, envInt, loadAverage, say, withCleanup } from "./support.js";

/**
 * Convergence on GCP against the in-process Compute Engine fake (real @google-cloud/compute SDK
 * over HTTP) and a real kube-apiserver. GCP has one route table per VPC network, so the shapes
 * are 1 CIDR and 10 CIDRs in the one managed network.
 */
export async function benchConvergenceGcp(): Promise<BenchResult> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  const opMs = envInt("BENCH_FAKE_OP_MS", 0, 0);
  const timings = { pendingMs: 0, runningMs: opMs, waitMaxMs: 50, waitPollMs: 2 };
  const reports: ConfigReport[] = await withCleanup(async (cleanup) => {
    say("starting kube-apiserver + etcd and the Compute Engine fake ...");
    const kube = await startKube(cleanup);
    const fake = await startFakeCompute({ project: gcpProject, timings });
    cleanup.add("Compute Engine fake", () => fake.close());
    const nodes = seedGcpNetwork(fake, "vpc", 0);
    seedGcpNetwork(fake, "floor", 1);
    const shape = async (cidrCount: number): Promise<Shape> => {
      const name = `${cidrCount}x1`;
      const namespace = `bench-${name}`;
      // Both shapes share the one network, so their CIDRs must differ (10.8.x and 10.9.x).
      const cidrs = vpnCidrs(cidrCount, cidrCount === 1 ? 8 : 9);
      const objects = await createVpnService(kube.kubeconfigPath, namespace, cidrs, nodes);
      const floor = createGcpFloor(fake, name, cidrs);
      return {
        name,
        description: `${cidrCount} CIDR(s) x 1 VPC network (GCP's one route table)`,
        cidrs: cidrCount,
        tables: 1,
        start: (settings) =>
          startBenchController({
            kubeconfigPath: kube.kubeconfigPath,
            bypassWriteLimit: settings.bypassWriteLimit,
            options: {
              provider: "gcp",
              clusterId: `bench-${name}`,
              allowedCidrs: "10.8.0.0/15",
              allowedNamespaces: namespace,
              trustedEndpointSliceManagers: fixtureSliceManager,
              gcpProject,
              gcpNetwork: "vpc",
              gcpEndpoint: fake.url,
              leaderElectNamespace: namespace,
              ...(settings.writesPerSecond ? { writesPerSecond: settings.writesPerSecond } : {}),
              ...(settings.writeBurst ? { writeBurst: settings.writeBurst } : {}),
            },
            provider: (config, logger, calls) =>
              createGcpProvider({
                clusterId: config.clusterId,
                project: gcpProject,
                network: "vpc",
                endpoint: fake.url,
                authClient: fakeAuthClient(),
                pollIntervalMs: 20,
                clock: systemClock,
                logger,
                calls,
              }),
          }),
        world: (controller) =>
          gcpMoveWorld({
            fake,
            floor,
            objects,
            namespace,
            nodes,
            cidrs,
            calls: () => controller.cloudCalls(),
          }),
      };
    };
    const out: ConfigReport[] = [(await measureConfig(pacedDefaults(await shape(1)), 0, 1)).report];
    let node = 0;
    for (const spec of largeFamily(await shape(10))) {
      const measured = await measureConfig(spec, node, 1);
      out.push(measured.report);
      node = measured.endNode;
    }
    return out;
  });
  const result = benchResult(
    "convergence-gcp",
    "Convergence on GCP (Compute Engine fake + kube-apiserver)",
    started,
    convergenceTargets(reports, "1x1"),
    {
      loadAverageAtStart: loadAtStart,
      fakeTimings: timings,
      timingChoice: `operations take ${opMs} ms (BENCH_FAKE_OP_MS; default 0 = DONE at once): both the controller and the floor pay the same operation time, so an instant fake leaves only the controller's own overhead in the ratio (its harshest case); real Compute Engine route operations take seconds, which would push the ratio towards 1. With DONE-at-once inserts the provider adds one routes.get per insert (its requestId-replay check), an artefact of the instant fake that the controller pays and the floor does not; the per-write routes.list it used to make before each insert is gone (the write takes the CIDR's routes from the pass's own listing while it is fresh, see providers/gcp/recent-listing.ts)`,
      method: [
        ratioMethod,
        "latency per move: EndpointSlice replace returned -> the fake's state (read in-process, no HTTP) shows exactly one route per CIDR in network vpc, to the new node's instance",
        `confirmation reads every ${pollGapMs(1)} ms (in-process reads cost well under a millisecond)`,
        "floor: one routes.list of its network (the read before any write), then per CIDR routes.insert at the other priority + globalOperations.wait, then routes.delete + wait, through createGcpSdkPort (the provider's own SDK client), in a separate network with its own instances; CIDRs at once, as the controller now does (routes are independent resources in GCP: the provider declares independentRoutes, so the applier serialises per (network, CIDR) instead of per network)",
        "controller provider: createGcpProvider with the fake's endpoint and a fixed-token auth client, pollIntervalMs 20 (as the scenario tests)",
      ],
      configs: reports,
    },
  );
  await writeResult(result);
  return result;
}
