import { CoreV1Api } from "@kubernetes/client-node";
import { afterEach, describe, expect, inject, it } from "vitest";
import { GcpScenario, type GcpScenarioController } from "../harness/gcp-scenario.js";

let counter = 0;
const scenarios: GcpScenario[] = [];
async function scenario(canIpForward = true): Promise<GcpScenario> {
  const s = new GcpScenario(`gctl-${process.pid % 1000}-${++counter}`, inject("kubeconfigPath"));
  scenarios.push(s);
  return await s.setUp(canIpForward);
}

afterEach(async () => {
  await Promise.all(scenarios.splice(0).map((s) => s.tearDown()));
});

const cidr = "10.8.0.0/24";
const annotations = { "vpc-route-sync.io/cidrs": cidr };

const writes = async (c: GcpScenarioController) =>
  (await c.metrics.routeWrites.get()).values
    .filter((v) => v.labels.result === "ok")
    .reduce((n, v) => n + v.value, 0);

async function serveFrom(s: GcpScenario, node: number): Promise<void> {
  await s.objects.setEndpoints(s.namespace, "openvpn", [
    { nodeName: s.node(node).name, address: `10.244.${node}.5` },
  ]);
}

describe("controller with the GCP provider (Compute Engine fake + kube-apiserver)", () => {
  it("routes the CIDR to the endpoint's instance, then moves it make-before-break and stays quiet", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serveFrom(s, 0);
    const c = await s.startController();
    await s.routesConverge(s.node(0).name);
    const core = s.kubeConfig.makeApiClient(CoreV1Api);
    await s.eventually(async () => {
      const svc = await core.readNamespacedService({ namespace: s.namespace, name: "openvpn" });
      return (svc.status?.conditions ?? []).some(
        (cond) => cond.type === "vpc-route-sync.io/RoutesProgrammed" && cond.status === "True",
      );
    }, "the Service has RoutesProgrammed=True");

    const states: number[] = [];
    const unsubscribe = s.fake.control.onRoutesChanged((routes) => {
      states.push(routes.filter((r) => r.destRange === cidr).length);
    });
    await serveFrom(s, 1);
    await s.routesConverge(s.node(1).name);
    unsubscribe();
    expect(states).toEqual([2, 1]);

    await s.eventually(async () => (await writes(c)) === 2, "two writes were counted");
    const inserts = s.fake.control.calls.count("routes.insert");
    const passesBefore = c.passes.length;
    await s.eventually(() => c.passes.length >= passesBefore + 2, "two resync passes ran");
    expect(await writes(c)).toBe(2);
    expect(s.fake.control.calls.count("routes.insert")).toBe(inserts);
    expect(s.fake.control.calls.count("routes.delete")).toBe(1);
  });

  it("reports ForwardingDisabled naming the instance while canIpForward is off", async () => {
    const s = await scenario(false);
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serveFrom(s, 0);
    await s.startController();
    await s.routesConverge(s.node(0).name);
    await s.eventually(
      async () =>
        (await s.eventReasons("openvpn")).some(
          (e) => e.startsWith("ForwardingDisabled") && e.includes(`instance ${s.node(0).name}`),
        ),
      "a ForwardingDisabled event naming the instance",
    );
  });

  it("reports Compute's route warning as ForwardingDisabled and a False condition when the instance stops", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serveFrom(s, 0);
    await s.startController();
    await s.routesConverge(s.node(0).name);
    const node = s.node(0);
    s.fake.control.setInstanceStatus(
      `projects/scenario-project/zones/${node.zone}/instances/${node.name}`,
      "TERMINATED",
    );
    await s.eventually(
      async () =>
        (await s.eventReasons("openvpn")).some(
          (e) => e.startsWith("ForwardingDisabled") && e.includes("NEXT_HOP_NOT_RUNNING"),
        ),
      "a ForwardingDisabled event carrying Compute's NEXT_HOP_NOT_RUNNING warning",
    );
    const core = s.kubeConfig.makeApiClient(CoreV1Api);
    const svc = await core.readNamespacedService({ namespace: s.namespace, name: "openvpn" });
    expect(svc.status?.conditions).toContainEqual(
      expect.objectContaining({
        type: "vpc-route-sync.io/RoutesProgrammed",
        status: "False",
        reason: "ForwardingDisabled",
      }),
    );
  });

  it("deletes its routes when the annotation is removed and when the Service is deleted, never a foreign route", async () => {
    const s = await scenario();
    s.fake.control.seedRoute({
      name: "hand-made",
      network: "vpc",
      destRange: "10.8.5.0/24",
      nextHopInstance: `zones/${s.node(2).zone}/instances/${s.node(2).name}`,
    });
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await s.objects.createService(s.namespace, "wireguard", {
      "vpc-route-sync.io/cidrs": "10.8.1.0/24",
    });
    await serveFrom(s, 0);
    await s.objects.setEndpoints(s.namespace, "wireguard", [
      { nodeName: s.node(1).name, address: "10.244.1.9" },
    ]);
    await s.startController();
    await s.routesConverge(s.node(0).name);
    await s.routesConverge(s.node(1).name, "10.8.1.0/24");
    await s.setServiceAnnotations("openvpn", {});
    await s.routesConverge(undefined);
    await s.objects.deleteService(s.namespace, "wireguard");
    await s.routesConverge(undefined, "10.8.1.0/24");
    expect(s.routes("10.8.5.0/24")).toEqual([s.node(2).name]);
    expect(s.fake.control.routes().map((r) => r.name)).toEqual(["hand-made"]);
  });

  it("programs the route again when the annotation comes back after its removal", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serveFrom(s, 0);
    const c = await s.startController();
    await s.routesConverge(s.node(0).name);
    await s.setServiceAnnotations("openvpn", {});
    await s.routesConverge(undefined);
    await s.setServiceAnnotations("openvpn", annotations);
    await s.routesConverge(s.node(0).name);
    expect(await writes(c)).toBe(3);
  });

  it("reports a conflict for a foreign route to the requested CIDR and writes nothing", async () => {
    const s = await scenario();
    s.fake.control.seedRoute({
      name: "hand-made",
      network: "vpc",
      destRange: cidr,
      nextHopInstance: `zones/${s.node(2).zone}/instances/${s.node(2).name}`,
    });
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serveFrom(s, 0);
    const c = await s.startController();
    await s.eventually(
      async () => (await s.eventReasons("openvpn")).some((e) => e.startsWith("RouteConflict")),
      "a RouteConflict event",
    );
    const passesBefore = c.passes.length;
    await s.eventually(() => c.passes.length >= passesBefore + 1, "another resync pass ran");
    expect(await writes(c)).toBe(0);
    expect(s.fake.control.calls.count("routes.insert")).toBe(0);
    expect(s.fake.control.calls.count("routes.delete")).toBe(0);
    expect(s.routes()).toEqual([s.node(2).name]);
  });

  it("in dry-run reports the plan as a DryRun event and never writes", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serveFrom(s, 0);
    const c = await s.startController({ dryRun: "true" });
    await s.eventually(
      async () => (await s.eventReasons("openvpn")).some((e) => e.startsWith("DryRun")),
      "a DryRun event",
    );
    expect((await s.eventReasons("openvpn")).find((e) => e.startsWith("DryRun"))).toContain(
      `would have created ${cidr}`,
    );
    expect((await c.metrics.drift.get()).values[0]?.value).toBe(1);
    expect(await writes(c)).toBe(0);
    expect(s.fake.control.calls.count("routes.insert")).toBe(0);
    expect(s.routes()).toEqual([]);
  });
});
