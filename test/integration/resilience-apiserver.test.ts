import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { AwsScenario } from "../harness/aws-scenario.js";
import { type LocalKubeApiServer, startKubeApiServer } from "../harness/kube-apiserver.js";
import { awsProblems } from "../harness/resilience-cloud-state.js";
import {
  type CapturedController,
  startCapturedController,
} from "../harness/resilience-controller.js";
import { startKubeProxy } from "../harness/resilience-kube-proxy.js";
import { waitFor } from "../harness/resilience-processes.js";
import { CallLog, type CallRecorder, startCallRecorder } from "../harness/resilience-recorder.js";
import { describeRestart, orphanCidr, runRestartScenario } from "../harness/resilience-restart.js";
import { writeResult } from "../harness/resilience-stats.js";

const id = process.pid % 1000;
const cidr = "10.8.0.0/24";
const cleanups: (() => Promise<unknown>)[] = [];
const controllers: CapturedController[] = [];

afterEach(async () => {
  await Promise.allSettled(controllers.splice(0).map((c) => c.running.stop()));
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function recorder(name: string, log: CallLog): Promise<CallRecorder> {
  const r = await startCallRecorder(name, inject("localstackEndpoint"), log);
  cleanups.push(() => r.close());
  return r;
}

async function scenario(name: string, kubeconfigPath: string, node: number): Promise<AwsScenario> {
  const s = await new AwsScenario(name, inject("localstackEndpoint"), kubeconfigPath).setUp();
  await s.objects.createService(s.namespace, "openvpn", { "vpc-route-sync.io/cidrs": cidr });
  await serve(s, node);
  return s;
}

const serve = (s: AwsScenario, node: number) =>
  s.objects.setEndpoints(s.namespace, "openvpn", [
    { nodeName: s.node(node).name, address: `10.244.${node}.5` },
  ]);

const expected = (s: AwsScenario, node: number) => [
  { cidr, target: s.node(node).eniId, service: `${s.namespace}/openvpn` },
];

describe("API server restart and a forced 410 Gone (a dedicated kube-apiserver)", () => {
  let kube: LocalKubeApiServer;
  let restartedOnce = false;
  beforeAll(async () => {
    kube = await startKubeApiServer();
  }, 180_000);
  afterAll(async () => {
    await kube?.stop();
  });

  it("writes nothing while the API server is down, though the cloud drifts and a controller starts blind, then converges within 60 s of its return", async () => {
    const r = await runRestartScenario({
      kube,
      localstackEndpoint: inject("localstackEndpoint"),
      name: `rs-restart-${id}`,
      downMs: 5_000,
    });
    restartedOnce = true;
    console.log(describeRestart(r));
    if (process.env.VRS_RESILIENCE_RESULTS === "1") writeResult("apiserver-restart-short", r);
    expect(r.writesWhileGone).toEqual([]);
    // The forged orphan is deleted, but only once the server is back; nothing else is.
    expect(r.deletes.length).toBeGreaterThan(0);
    for (const w of r.deletes) {
      expect(w.at).toBeGreaterThan(r.backAt);
      expect(Object.values(w.params).some((v) => v.includes(orphanCidr))).toBe(true);
    }
    for (const ms of Object.values(r.recoveryMs)) expect(ms).toBeLessThan(60_000);
  }, 300_000);

  it("relists when a watch resumed from a version older than the restarted API server's watch cache gets a real 410 Gone, and converges without deleting anything", async () => {
    // A restarted API server's watch cache starts at the current revision: resuming a watch from
    // an older resourceVersion gets "410 Gone: too old resource version". The proxy makes the
    // controller resume from version 1, so the 410 comes from the real server, not a fake.
    if (!restartedOnce) await kube.restartApiServer(0);
    restartedOnce = true;
    const log = new CallLog();
    const s = await scenario(`rs-gone-${id}`, kube.kubeconfigPath, 0);
    await s.objects.createService(s.namespace, "wireguard", {
      "vpc-route-sync.io/cidrs": "10.8.1.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "wireguard", [
      { nodeName: s.node(1).name, address: "10.244.1.9" },
    ]);
    const proxy = await startKubeProxy(s.kubeConfig);
    cleanups.push(() => proxy.close());
    const c = await startCapturedController({
      options: s.options({ awsEndpoint: (await recorder("c", log)).url }),
      kubeConfig: proxy.kubeConfig,
    });
    controllers.push(c);
    const both = (node: number) => [
      ...expected(s, node),
      { cidr: "10.8.1.0/24", target: s.node(1).eniId, service: `${s.namespace}/wireguard` },
    ];
    const converged = (node: number) =>
      waitFor(
        `routes converge to node ${node}`,
        async () =>
          (await awsProblems(s.ec2, s.vpc.routeTableIds, s.name, both(node))).length === 0,
        30_000,
        100,
      );
    await converged(0);
    const paths = [
      `/api/v1/namespaces/${s.namespace}/services`,
      `/apis/discovery.k8s.io/v1/namespaces/${s.namespace}/endpointslices`,
    ];
    const lists = (path: string) =>
      proxy.requests.filter((r) => r.path === path && !r.isWatch && r.method === "GET").length;
    await waitFor(
      "both informers are watching",
      () => paths.every((p) => proxy.requests.some((r) => r.isWatch && r.path === p)),
      30_000,
    );
    const listsBefore = paths.map(lists);
    const expiredAt = Date.now();
    proxy.expireWatches(paths);
    await serve(s, 2);

    await waitFor(
      "the API server answered both stale watches with 410 Gone",
      () => paths.every((p) => proxy.requests.some((r) => r.path === p && r.sawGone)),
      30_000,
    );
    await waitFor(
      "both informers relisted",
      () => paths.every((p, i) => lists(p) > (listsBefore[i] ?? 0)),
      30_000,
    );
    await converged(2);
    console.log(
      `410 Gone on both watches -> relisted and converged in ${Date.now() - expiredAt} ms`,
    );
    expect(
      c.logs.filter(
        (l) => l.msg === "informer failed" && JSON.stringify(l.err ?? "").includes("410 Gone"),
      ),
    ).toHaveLength(2);
    expect(log.writes().filter((w) => w.action.startsWith("Delete"))).toEqual([]);
  }, 120_000);
});

describe("a slow API server (proxy in front of the shared API server)", () => {
  /** A controller whose Kubernetes calls pass the proxy, the first two Lease calls delayed. */
  async function leaderBehindProxy(leaseDelayMs: number): Promise<CapturedController> {
    const s = await new AwsScenario(
      `rs-lease-${leaseDelayMs}-${id}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ).setUp();
    const proxy = await startKubeProxy(s.kubeConfig);
    cleanups.push(() => proxy.close());
    if (leaseDelayMs > 0) proxy.delayNext("/leases", leaseDelayMs, 2);
    const c = await startCapturedController({ options: s.options(), kubeConfig: proxy.kubeConfig });
    controllers.push(c);
    await waitFor(
      "the lease is acquired",
      () => c.logs.some((l) => l.msg === "lease acquired"),
      20_000,
    );
    await sleep(3_000);
    return c;
  }

  it("keeps its lease through the proxy while the API server answers promptly (control for the next test)", async () => {
    const c = await leaderBehindProxy(0);
    expect(c.logs.filter((l) => l.msg === "leadership lost")).toEqual([]);
    expect(c.running.isLeader()).toBe(true);
  }, 60_000);

  // Regression: LeaderElector used to sleep min(retryPeriod, remaining) after a slow acquisition
  // and so slept out its whole deadline without renewing (see docs/resilience.md).
  it("keeps a lease whose slow acquisition (GET and create 0.75 s each) left less than a retry period of its 2 s renew deadline", async () => {
    const c = await leaderBehindProxy(750);
    expect(c.logs.filter((l) => l.msg === "leadership lost")).toEqual([]);
    expect(c.running.isLeader()).toBe(true);
  }, 60_000);
});
