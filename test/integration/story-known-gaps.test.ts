/**
 * Issue 12, "Behaviours to fix": evidence on the real control plane. Each test states the
 * behaviour the product should have and is marked `it.fails` because today it does not: the
 * suite stays green while the defect stands, and the first run after a fix fails here, which is
 * the cue to turn `it.fails` into `it`. Items a, b, c and d. (c stops the in-process controller,
 * the same shutdown path SIGTERM takes in `vpc-route-sync controller`.)
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../fakes/fault-proxy.js";
import { storyScenarios } from "../harness/story-fixture.js";

const story = storyScenarios("gap");
const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };

describe("issue 12 behaviours to fix (expected to fail until fixed)", () => {
  it.fails("a: on-no-endpoint=withdraw keeps the route through an ordinary kubectl drain (no moment without a route)", async () => {
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
    // Today: the EndpointSlice briefly shows only the terminating endpoint, the controller
    // deletes every route (3 DeleteRoute) and re-creates them (3 CreateRoute) moments later.
    expect(s.moveSummary(await watch.stop(), mark)).toEqual(s.oneMoveTo(second));
  });

  it.fails("b: a deleted hosting Node is noticed while the EndpointSlice still names it (publishNotReadyAddresses), and the route moves to the other ready Pod", {
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

  it.fails("d: a Service annotated outside --allowed-namespaces gets a NamespaceNotAllowed Event", async () => {
    const s = await story();
    const outside = `${s.namespace}-outside`;
    await s.objects.ensureNamespace(outside);
    try {
      await s.objects.createService(outside, "openvpn", cidrs);
      await s.startController();
      await s.eventually(
        async () => {
          const events = await s.workloads.core.listNamespacedEvent({ namespace: outside });
          return events.items.some((e) => e.reason === "NamespaceNotAllowed");
        },
        "a NamespaceNotAllowed Event on the Service outside the allowlist",
        15_000,
      );
    } finally {
      await s.workloads.core.deleteNamespace({ name: outside });
    }
  });
});

describe("issue 12 behaviour c, shutdown during a move (expected to fail until fixed)", () => {
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
  });

  it.fails("c: a controller stopped while its ReplaceRoute calls are in flight does not report writes EC2 applied as failed", async () => {
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
