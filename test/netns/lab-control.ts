import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { createAgentMetrics } from "../../src/agent/metrics.js";
import { type RunningAgent, startAgent } from "../../src/cli/agent.js";
import { systemClock } from "../../src/clock.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { createLogger } from "../../src/observability/logger.js";
import { fixtureSliceManager, type KubeObjects } from "../harness/kube-objects.js";
import { ControllerProcess } from "../harness/resilience-processes.js";
import { labSettings } from "./agents.js";
import type { NetnsLab } from "./lab.js";
import type { VpcNode } from "./vpc-topology.js";

const repoRoot = join(import.meta.dirname, "..", "..");

/** Compiles dist/ (the controller runs as `node dist/src/main.js`), unless this already runs from it. */
export async function buildDist(): Promise<void> {
  if (repoRoot.endsWith("dist")) return;
  await promisify(execFile)(join(repoRoot, "node_modules", ".bin", "tsc"), [
    "-p",
    join(repoRoot, "tsconfig.build.json"),
  ]);
}

/**
 * Runs the real agent for every lab node in hop mode, in this process but with every command in
 * its node's namespace (as the DaemonSet's hostNetwork Pod would).
 */
export async function startLabAgents(
  lab: NetnsLab,
  nodes: readonly VpcNode[],
  kubeconfig: string,
  masquerade: boolean,
): Promise<RunningAgent[]> {
  const logger = createLogger({ level: process.env.VRS_TEST_LOG_LEVEL ?? "silent" });
  const agents: RunningAgent[] = [];
  for (const node of nodes) {
    agents.push(
      await startAgent({
        options: {
          ...labSettings(node, { mode: "hop", masquerade }),
          resyncIntervalMs: 1_000,
          trustedEndpointSliceManagers: [fixtureSliceManager],
          kubeconfig,
          http: { host: "127.0.0.1", port: 0 },
          log: { level: "silent", pretty: false },
        },
        kubeConfig: loadKubeConfig(kubeconfig),
        runner: lab.runner(node.ns),
        logger,
        metrics: createAgentMetrics({ defaultMetrics: false }),
        clock: systemClock,
        backoff: { initialMs: 100, maxMs: 1_000 },
      }),
    );
  }
  return agents;
}

/** What the lab's controller is told: LocalStack, the seeded tables, the `vpn` namespace. */
export interface LabControllerSettings {
  readonly clusterId: string;
  readonly kubeconfig: string;
  readonly awsEndpoint: string;
  readonly routeTableTag: { readonly key: string; readonly value: string };
  readonly manageSourceDestCheck: boolean;
  readonly logDir: string;
}

/** Starts `vpc-route-sync controller --provider aws` as its own process, logging at info. */
export function startLabController(s: LabControllerSettings, identity: string): ControllerProcess {
  return new ControllerProcess(
    identity,
    {
      provider: "aws",
      clusterId: s.clusterId,
      allowedCidrs: "10.8.0.0/16",
      allowedNamespaces: "vpn",
      trustedEndpointSliceManagers: fixtureSliceManager,
      kubeconfig: s.kubeconfig,
      leaderElectNamespace: "vpn",
      leaderElectIdentity: identity,
      leaderElectLeaseDuration: "3s",
      leaderElectRenewDeadline: "2s",
      leaderElectRetryPeriod: "500ms",
      resyncInterval: "2s",
      httpAddress: "127.0.0.1:0",
      logLevel: process.env.VRS_LAB_CONTROLLER_LOG ?? "info",
      awsRegion: "us-east-1",
      awsEndpoint: s.awsEndpoint,
      awsRouteTableTags: `${s.routeTableTag.key}=${s.routeTableTag.value}`,
      awsManageSourceDestCheck: s.manageSourceDestCheck,
    },
    s.logDir,
  );
}

/** A route write the controller logged: `route replaced`/`created`/`deleted`, with its time. */
export interface RouteWrite {
  readonly at: number;
  readonly msg: string;
  readonly table: string;
  readonly target: string | undefined;
}

/** The route writes in a controller's JSON log, in order. */
export async function routeWrites(controller: ControllerProcess): Promise<RouteWrite[]> {
  const text = await readFile(controller.logPath, "utf8").catch(() => "");
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    const entry = JSON.parse(line) as Record<string, unknown>;
    const msg = String(entry.msg);
    if (!/^route (created|replaced|deleted)$/.test(msg)) return [];
    const target = typeof entry.target === "string" ? entry.target : undefined;
    return [{ at: Date.parse(String(entry.time)), msg, table: String(entry.table), target }];
  });
}

/** Writes the VPN Pod's EndpointSlice as the EndpointSlice controller would for a ready Pod. */
export async function serveFrom(objects: KubeObjects, node: string, podIp: string): Promise<void> {
  await objects.setEndpoints("vpn", "openvpn", [{ nodeName: node, address: podIp }]);
}
