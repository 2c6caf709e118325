import { createAzureProvider } from "../providers/azure/index.js";
import { systemClock } from "../src/clock.js";
import { armOperationMs, armRetryAfterSeconds } from "../test/fakes/azure/arm-timings.js";
import { FakeAzure } from "../test/fakes/azure/fake-azure.js";
import { fakeCredential } from "../test/fakes/azure/sdk-client.js";
import { fixtureSliceManager } from "../test/harness/kube-objects.js";
import { vpnCidrs } from "./aws-world.js";
import {
  azureMoveWorld,
  azurePollIntervalMs,
  seedAzureNodes,
  seedAzureTables,
} from "./azure-world.js";
import { startBenchController } from "./bench-controller.js";
import { largeFamily, pacedDefaults, type Shape } from "./configs.js";
import { type ConfigReport, convergenceTargets, ratioMethod } from "./convergence-report.js";
import { createVpnService, startKube } from "./environment.js";
import type { ConfigSpec } from "./measure-config.js";
import { measureConfig, pollGapMs } from "./measure-config.js";
import { type BenchResult, writeResult } from "./results.js";
import { benchResult, envInt, loadAverage, say, withCleanup } from "./support.js";

/** The realistic run's shapes: few moves, since one 10 x 10 move costs ten LROs per table. */
function realisticSpecs(small: Shape, large: Shape): ConfigSpec[] {
  return [
    { ...pacedDefaults(small), moves: envInt("BENCH_MOVES", 5), timeoutMs: 120_000 },
    {
      ...large,
      description: `${large.description}; product defaults; moves back to back`,
      writeBudget: "defaults: 2 writes/s, burst 20",
      moves: envInt("BENCH_LIMITED_MOVES", 2),
      paceMs: 0,
      pollGapMs: 200,
      timeoutMs: 900_000,
      initialTimeoutMs: 900_000,
      start: () => large.start({}),
    },
  ];
}

/**
 * Convergence on Azure against the in-process ARM fake (real @azure/arm-network SDK over
 * HTTPS) and a real kube-apiserver: 1 CIDR x 3 route tables and 10 CIDRs x 10 route tables.
 * By default the fake answers at once (the controller's overhead alone); with
 * BENCH_AZURE_TIMINGS=realistic it sends ARM's Retry-After and takes seconds per write, and the
 * result goes to `convergence-azure-realistic.json`.
 */
export async function benchConvergenceAzure(): Promise<BenchResult> {
  const started = Date.now();
  const loadAtStart = loadAverage();
  const realistic = process.env.BENCH_AZURE_TIMINGS === "realistic";
  // Realistic: ARM's timings as assumed in test/fakes/azure/arm-timings.ts (the Azure fault
  // soak uses the same); BENCH_FAKE_OP_MS still overrides the write's duration.
  const opMs = envInt("BENCH_FAKE_OP_MS", realistic ? armOperationMs : 0, 0);
  const retryAfter = realistic ? armRetryAfterSeconds : undefined;
  const reports: ConfigReport[] = await withCleanup(async (cleanup) => {
    say("starting kube-apiserver + etcd and the ARM fake ...");
    const kube = await startKube(cleanup);
    const fake = await FakeAzure.start({
      operationDurationMs: opMs,
      ...(retryAfter === undefined ? {} : { lroRetryAfterSeconds: retryAfter }),
    });
    cleanup.add("ARM fake", () => fake.close());
    const nodes = seedAzureNodes(fake);
    const shape = async (cidrCount: number, tableCount: number): Promise<Shape> => {
      const name = `${cidrCount}x${tableCount}`;
      const namespace = `bench-${name}`;
      const cidrs = vpnCidrs(cidrCount);
      const tables = seedAzureTables(fake, name, tableCount, cidrs);
      const objects = await createVpnService(kube.kubeconfigPath, namespace, cidrs, nodes);
      return {
        name,
        description: `${cidrCount} CIDR(s) x ${tableCount} route tables`,
        cidrs: cidrCount,
        tables: tableCount,
        start: (settings) =>
          startBenchController({
            kubeconfigPath: kube.kubeconfigPath,
            bypassWriteLimit: settings.bypassWriteLimit,
            options: {
              provider: "azure",
              clusterId: `bench-${name}`,
              allowedCidrs: "10.8.0.0/16",
              allowedNamespaces: namespace,
              trustedEndpointSliceManagers: fixtureSliceManager,
              azureRouteTableIds: tables.tableIds.join(","),
              azureEndpoint: fake.endpoint,
              leaderElectNamespace: namespace,
              ...(settings.writesPerSecond ? { writesPerSecond: settings.writesPerSecond } : {}),
              ...(settings.writeBurst ? { writeBurst: settings.writeBurst } : {}),
            },
            provider: (config, logger, calls) =>
              createAzureProvider({
                clusterId: config.clusterId,
                routeTableIds: config.azure.routeTableIds,
                endpoint: fake.endpoint,
                credential: fakeCredential,
                caCertificate: fake.caCertificate,
                pollIntervalMs: azurePollIntervalMs,
                clock: systemClock,
                logger,
                calls,
              }),
          }),
        world: (controller) =>
          azureMoveWorld({
            fake,
            tables,
            objects,
            namespace,
            nodes,
            cidrs,
            calls: () => controller.cloudCalls(),
          }),
      };
    };
    if (realistic) {
      // Each shape has its own Service, whose endpoint starts on node 0.
      const out: ConfigReport[] = [];
      for (const spec of realisticSpecs(await shape(1, 3), await shape(10, 10)))
        out.push((await measureConfig(spec, 0, 50)).report);
      return out;
    }
    const out = [(await measureConfig(pacedDefaults(await shape(1, 3)), 0, 1)).report];
    let node = 0;
    // One rate-limited move each: the limiter is provider-independent and convergence-aws
    // already shows a full and an empty bucket; this keeps `npm run bench` within its budget.
    for (const spec of largeFamily(await shape(10, 10), 1)) {
      const measured = await measureConfig(spec, node, 1);
      out.push(measured.report);
      node = measured.endNode;
    }
    return out;
  });
  const result = benchResult(
    realistic ? "convergence-azure-realistic" : "convergence-azure",
    realistic
      ? `Convergence on Azure, realistic ARM timings (Retry-After ${retryAfter} s, writes ${opMs} ms)`
      : "Convergence on Azure (ARM fake + kube-apiserver)",
    started,
    convergenceTargets(reports, "1x3"),
    {
      loadAverageAtStart: loadAtStart,
      fakeSettings: { operationDurationMs: opMs, lroRetryAfterSeconds: retryAfter ?? "none" },
      timingChoice: realistic
        ? `realistic: every LRO response carries Retry-After ${retryAfter} s and a route write completes after ${opMs} ms (assumptions from ARM's async-operation guidance, not measured on Azure); writes stay one route PUT per (table, CIDR), serial per table, because neither RouteTables_CreateOrUpdate nor RouteTables_UpdateTags declares If-Match, so a table-level write could drop another cluster's route`
        : `route writes take ${opMs} ms in the fake (BENCH_FAKE_OP_MS; default 0 = Succeeded at the first poll): both the controller and the floor pay the same LRO time, so an instant fake leaves only the controller's overhead in the ratio (its harshest case); real ARM route PUTs take seconds and send Retry-After, which would push the ratio towards 1`,
      method: [
        ratioMethod,
        "latency per move: EndpointSlice replace returned -> the fake's state (read in-process, no HTTP) shows one route per CIDR in every managed table, to the new node's IP",
        `confirmation reads every ${pollGapMs(1)} ms (in-process reads cost well under a millisecond)`,
        `floor: routeTables.get of every floor table at once (the read before any write), then routes.createOrUpdate (PUT + LRO polling every ${azurePollIntervalMs} ms) per (table, CIDR) through createAzureSdkPort, the provider's own SDK client, on separate floor tables: tables in parallel, serial within a table (ARM answers 409 AnotherOperationInProgress otherwise)`,
        `controller provider: createAzureProvider with the fake's endpoint, credential and CA, pollIntervalMs ${azurePollIntervalMs} (as the scenario tests)`,
      ],
      configs: reports,
    },
  );
  await writeResult(result);
  return result;
}
