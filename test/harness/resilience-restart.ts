/**
 * The API-server outage scenario, on a dedicated kube-apiserver, with three controllers that each
 * record their EC2 calls: one running through the outage (leader election off, so only the cache
 * gates can stop it), one started blind during the outage (caches never synced), and a
 * leader-elected process with default timings that a supervisor restarts whenever it exits. While
 * the server is gone the cloud drifts: an owned route is moved and an owned orphan appears. The
 * report says what was written while the server was gone (must be nothing) and how long each
 * controller took to converge once it listened again.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateRouteCommand, CreateTagsCommand, ReplaceRouteCommand } from "@aws-sdk/client-ec2";
import { AwsScenario } from "./aws-scenario.js";
import type { LocalKubeApiServer } from "./kube-apiserver.js";
import { awsProblems } from "./resilience-cloud-state.js";
import { type CapturedController, startCapturedController } from "./resilience-controller.js";
import { ControllerProcess, ControllerSupervisor, waitFor } from "./resilience-processes.js";
import { CallLog, type RecordedCall, startCallRecorder } from "./resilience-recorder.js";

/** What happened around one outage. */
export interface RestartReport {
  readonly downMs: number;
  /** Old process exit -> the new one accepts connections. */
  readonly goneMs: number;
  /** Listening -> /readyz answered 200. */
  readonly readyAfterMs: number;
  /** Cloud writes of any controller while no API server process could be reached. */
  readonly writesWhileGone: readonly RecordedCall[];
  /** Listening again -> the controller's scenario has converged, per controller. */
  readonly recoveryMs: Readonly<Record<"running" | "blind" | "elected", number>>;
  /** Every delete any controller made, with whether it came after the server was back. */
  readonly deletes: readonly RecordedCall[];
  readonly backAt: number;
  readonly electedGenerations: number;
  readonly logDir: string;
}

const cidr = "10.8.0.0/24";
/** The owned route forged during the outage for a Service that does not exist. */
export const orphanCidr = "10.8.9.0/24";

/** True while something accepts TCP connections on the API server's port. */
function isListening(server: string): Promise<boolean> {
  const url = new URL(server);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * The pid of the kube-apiserver serving `server`, from /proc. Its exit, not its listener closing,
 * starts the outage: while it drains after SIGTERM its open watches still feed the caches.
 */
function apiServerPid(server: string): number {
  const flag = `--secure-port=${new URL(server).port}`;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    if (args[0]?.endsWith("kube-apiserver") && args.includes(flag)) return Number(entry);
  }
  throw new Error(`no kube-apiserver process serves ${server}`);
}

/** Runs one outage of `downMs` (plus the server's own stop and start time) and reports it. */
export async function runRestartScenario(o: {
  readonly kube: LocalKubeApiServer;
  readonly localstackEndpoint: string;
  readonly name: string;
  readonly downMs: number;
  readonly recoveryTimeoutMs?: number;
}): Promise<RestartReport> {
  const log = new CallLog();
  const closers: (() => Promise<unknown>)[] = [];
  const controllers: CapturedController[] = [];
  const scenario = async (suffix: string) => {
    const s = await new AwsScenario(
      `${o.name}-${suffix}`,
      o.localstackEndpoint,
      o.kube.kubeconfigPath,
    ).setUp();
    await s.objects.createService(s.namespace, "openvpn", { "vpc-route-sync.io/cidrs": cidr });
    await serve(s, 0);
    const recorder = await startCallRecorder(suffix, o.localstackEndpoint, log);
    closers.push(() => recorder.close());
    return { s, recorder };
  };
  const serve = (s: AwsScenario, node: number) =>
    s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(node).name, address: `10.244.${node}.5` },
    ]);
  const single = async (s: AwsScenario, url: string) => {
    const c = await startCapturedController({
      options: s.options({ awsEndpoint: url, leaderElect: "false" }),
      kubeConfig: s.kubeConfig,
    });
    controllers.push(c);
    return c;
  };

  try {
    const running = await scenario("run");
    await single(running.s, running.recorder.url);
    const blind = await scenario("blind");
    const first = await single(blind.s, blind.recorder.url);
    const elected = await scenario("elect");
    const logDir = mkdtempSync(join(tmpdir(), "vrs-restart-"));
    const supervisor = new ControllerSupervisor(
      (generation) =>
        new ControllerProcess(
          `${elected.s.name}-g${generation}`,
          elected.s.options({
            awsEndpoint: elected.recorder.url,
            leaderElectIdentity: `${elected.s.name}-g${generation}`,
            leaderElectLeaseDuration: "15s",
            leaderElectRenewDeadline: "10s",
            leaderElectRetryPeriod: "2s",
            logLevel: "info",
          }),
          logDir,
        ),
    );
    closers.push(() => supervisor.stop());
    for (const { s } of [running, blind, elected])
      await s.routesConverge(s.node(0).eniId, cidr, 60_000);
    await first.running.stop();
    await serve(blind.s, 1);

    const pid = apiServerPid(o.kube.server);
    const restarted = o.kube.restartApiServer(o.downMs);
    const downAt = await waitFor(
      "the API server process exited",
      () => !existsSync(`/proc/${pid}`) && Date.now(),
      30_000,
    );
    // "Back" is the first moment anything listens again: nothing can reach the server before.
    const listening = waitFor(
      "the new API server listens",
      async () => (await isListening(o.kube.server)) && Date.now(),
      o.downMs + 120_000,
    );
    await drift(running.s, elected.s);
    await single(blind.s, blind.recorder.url);
    const driftDoneAt = Date.now();
    const backAt = await listening;
    await restarted;
    const readyAt = Date.now();
    if (driftDoneAt >= backAt) throw new Error("the drift was not done before the server was back");

    const recovered = (s: AwsScenario, node: number) =>
      waitFor(
        `${s.name} converges after the API server is back`,
        async () =>
          (
            await awsProblems(s.ec2, s.vpc.routeTableIds, s.name, [
              { cidr, target: s.node(node).eniId, service: `${s.namespace}/openvpn` },
            ])
          ).length === 0 && Date.now() - backAt,
        o.recoveryTimeoutMs ?? 120_000,
        200,
      );
    const [runningMs, blindMs, electedMs] = await Promise.all([
      recovered(running.s, 0),
      recovered(blind.s, 1),
      recovered(elected.s, 0),
    ]);
    const recoveryMs = { running: runningMs, blind: blindMs, elected: electedMs };
    return {
      downMs: o.downMs,
      goneMs: backAt - downAt,
      readyAfterMs: readyAt - backAt,
      writesWhileGone: log.writes().filter((w) => w.at >= downAt && w.at < backAt),
      recoveryMs,
      deletes: log.writes().filter((w) => w.action === "DeleteRoute" || w.action === "DeleteTags"),
      backAt,
      electedGenerations: supervisor.generations.length,
      logDir,
    };
  } finally {
    await Promise.allSettled(controllers.map((c) => c.running.stop()));
    await Promise.allSettled(closers.map((close) => close()));
  }
}

/** Out-of-band changes while the server is gone: a moved owned route and a forged owned orphan. */
async function drift(running: AwsScenario, elected: AwsScenario): Promise<void> {
  const [table0] = running.vpc.routeTableIds;
  if (table0 === undefined) throw new Error("the scenario has no route table");
  await running.ec2.send(
    new ReplaceRouteCommand({
      RouteTableId: table0,
      DestinationCidrBlock: cidr,
      NetworkInterfaceId: running.node(2).eniId,
    }),
  );
  await running.ec2.send(
    new CreateTagsCommand({
      Resources: [table0],
      Tags: [
        {
          Key: `vpc-route-sync.io/route/${orphanCidr}`,
          Value: `${running.name}/${running.namespace}/gone`,
        },
      ],
    }),
  );
  await running.ec2.send(
    new CreateRouteCommand({
      RouteTableId: table0,
      DestinationCidrBlock: orphanCidr,
      NetworkInterfaceId: running.node(1).eniId,
    }),
  );
  await elected.ec2.send(
    new ReplaceRouteCommand({
      RouteTableId: elected.vpc.routeTableIds[1],
      DestinationCidrBlock: cidr,
      NetworkInterfaceId: elected.node(2).eniId,
    }),
  );
}

/** One line for the console. */
export function describeRestart(r: RestartReport): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const recovery = Object.entries(r.recoveryMs)
    .map(([name, ms]) => `${name} ${s(ms)}`)
    .join(", ");
  return `API server gone ${s(r.goneMs)} (exit -> listening; ready ${s(r.readyAfterMs)} later): ${r.writesWhileGone.length} writes while gone; converged after it listened again in ${recovery}; leader-elected process generations ${r.electedGenerations} (logs: ${r.logDir})`;
}
