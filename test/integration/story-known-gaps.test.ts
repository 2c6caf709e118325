/**
 * Issue 12, "Behaviours to fix", on the real control plane: each test states the behaviour the
 * product has now. Each failed on the code before its fix (run as `it.fails` until the fix
 * landed). Items a, b, c and d. (c stops the in-process controller, the same shutdown path
 * SIGTERM takes in `vpc-route-sync controller`.)
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../fakes/fault-proxy.js";
import { storyScenarios } from "../harness/story-fixture.js";

const story = storyScenarios("gap");
const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };

describe("issue 12 behaviours, fixed", () => {
  it("a: on-no-endpoint=withdraw keeps the route through an ordinary kubectl drain (no moment without a route)", async () => {
    const s = await story();
    await s.deployVpn(
      { ...cidrs, "vpc-route-sync.io/on-no-endpoint": "withdraw" },
      { gracePeriodSeconds: 2 },
    );
    const [first] = await s.readyOn(1);
    if (first === undefined) throw new Error("no ready VPN Pod");
    await s.startController();
    await s.routesConverge(s.node(first).eniId);
    const mark = s.calls.writes().length;
    const watch = s.watchRoutes();
    const second = await s.drain(first);
    await s.routesConverge(s.node(second).eniId);
    // Before the fix: the EndpointSlice briefly shows only the terminating endpoint, and the
    // controller deleted every route (3 DeleteRoute) and re-created them (3 CreateRoute).
    expect(s.moveSummary(await watch.stop(), mark)).toEqual(s.oneMoveTo(second));
  });

  it("b: a deleted hosting Node is noticed while the EndpointSlice still names it (publishNotReadyAddresses), and the route moves to the other ready Pod", {
    timeout: 90_000,
  }, async () => {
    const s = await story();
    await s.deployVpn(cidrs, { replicas: 2, onePerNode: true });
    // With publishNotReadyAddresses the EndpointSlice controller keeps a Pod whose Node is gone
    // until the Pod garbage collector deletes the Pod (40 s quarantine at least).
    await s.workloads.core.patchNamespacedService({
      namespace: s.namespace,
      name: "openvpn",
      body: [{ op: "add", path: "/spec/publishNotReadyAddresses", value: true }],
    });
    const ready = await s.readyOn(2);
    await s.startController();
    const hosting = await s.routedNode();
    const other = ready.find((i) => i !== hosting);
    if (other === undefined) throw new Error("no second ready Pod");
    const [orphan] = (await s.workloads.pods(s.namespace, "openvpn")).filter(
      (p) => p.spec?.nodeName === s.node(hosting).name,
    );
    await s.workloads.core.deleteNode({ name: s.node(hosting).name });
    await s.routesConverge(s.node(other).eniId, "10.8.0.0/24", 30_000);
    // Moved on the Node's deletion itself, not on the Pod's garbage collection.
    const pods = await s.workloads.pods(s.namespace, "openvpn");
    expect(pods.map((p) => p.metadata?.name)).toContain(orphan?.metadata?.name);
  });

  it("d: a Service annotated outside --allowed-namespaces is never seen: no route and no Event, as the docs say", async () => {
    const s = await story();
    const outside = `${s.namespace}-outside`;
    await s.objects.ensureNamespace(outside);
    try {
      await s.objects.createService(outside, "openvpn", cidrs);
      const c = await s.startController();
      await s.eventually(() => c.passes.length >= 2, "the controller has run passes");
      // A few resyncs later: nothing about the Service outside, as docs/annotations.md says.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      // Only the controller's own Events count: the API server's ClusterIP repair loop may report
      // on the Service too (ClusterIPNotAllocated when it races the Service's creation).
      const events = await s.workloads.core.listNamespacedEvent({ namespace: outside });
      const ours = events.items.filter(
        (e) => (e.reportingComponent || e.source?.component) === "vpc-route-sync",
      );
      expect(ours.map((e) => e.reason)).toEqual([]);
      expect(await s.routes()).toEqual(s.vpc.routeTableIds.map(() => undefined));
    } finally {
      await s.workloads.core.deleteNamespace({ name: outside });
    }
  });
});

describe("issue 12 behaviour c, shutdown during a move, fixed", () => {
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
  });

  it("c: a controller stopped while its ReplaceRoute calls are in flight does not report writes EC2 applied as failed", async () => {
    proxy = await startFaultProxy(inject("localstackEndpoint"));
    const s = await story({ ec2Upstream: proxy.url });
    await s.deployVpn(cidrs, { onePerNode: true });
    const [first] = await s.readyOn(1);
    if (first === undefined) throw new Error("no ready VPN Pod");
    const c = await s.startController();
    await s.routesConverge(s.node(first).eniId);
    // The move's writes reach EC2 and are applied; their answers are held for 3 s, so the
    // controller is still waiting for them when it is told to stop.
    proxy.failNext("ReplaceRoute", { kind: "hold", holdMs: 3_000, afterForward: true }, 3);
    const mark = s.calls.writes().length;
    const [pod] = await s.workloads.pods(s.namespace, "openvpn");
    await s.workloads.cordon(s.node(first).name);
    await s.workloads.evictPodsOn(s.node(first).name, s.namespace);
    await s.eventually(() => s.writesSince(mark).length === 3, "the move's three writes are sent");
    await c.running.stop();
    const [second] = await s.readyOn(1, { except: [pod?.metadata?.name] });
    if (second === undefined) throw new Error("no replacement VPN Pod");
    // EC2 applied every write (the held answers were 200s).
    await s.routesConverge(s.node(second).eniId);
    const failed = (await s.eventReasons("openvpn")).filter((e) =>
      e.startsWith("RouteWriteFailed"),
    );
    expect(failed).toEqual([]);
  });
});
