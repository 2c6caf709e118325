import { CoreV1Api } from "@kubernetes/client-node";
import { afterEach, describe, expect, inject, it } from "vitest";
import { armTimings } from "../fakes/azure/arm-timings.js";
import { AzureScenario, type AzureScenarioController } from "../harness/azure-scenario.js";

let counter = 0;
const scenarios: AzureScenario[] = [];
async function scenario(
  enableIPForwarding = true,
  timings?: Parameters<AzureScenario["setUp"]>[1],
): Promise<AzureScenario> {
  const s = new AzureScenario(`actl-${process.pid % 1000}-${++counter}`, inject("kubeconfigPath"));
  scenarios.push(s);
  return await s.setUp(enableIPForwarding, timings);
}

afterEach(async () => {
  await Promise.all(scenarios.splice(0).map((s) => s.tearDown()));
});

const cidr = "10.8.0.0/24";
const annotations = { "vpc-route-sync.io/cidrs": cidr };

const writes = async (c: AzureScenarioController) =>
  (await c.metrics.routeWrites.get()).values
    .filter((v) => v.labels.result === "ok")
    .reduce((n, v) => n + v.value, 0);

const routeWriteCalls = (s: AzureScenario) =>
  s.fake.calls("routes.createOrUpdate") +
  s.fake.calls("routes.delete") +
  s.fake.calls("tags.updateAtScope");

async function serve(s: AzureScenario, service: string, node: number): Promise<void> {
  await s.objects.setEndpoints(s.namespace, service, [
    { nodeName: s.node(node).name, address: `10.244.${node}.5` },
  ]);
}

describe("controller with the Azure provider (ARM fake over HTTPS + kube-apiserver)", () => {
  it("routes the CIDR in both tables to the endpoint's node IP, then moves both in place and stays quiet", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serve(s, "openvpn", 0);
    const c = await s.startController();
    await s.routesConverge(s.node(0).ip);
    const core = s.kubeConfig.makeApiClient(CoreV1Api);
    await s.eventually(async () => {
      const svc = await core.readNamespacedService({ namespace: s.namespace, name: "openvpn" });
      return (svc.status?.conditions ?? []).some(
        (cond) => cond.type === "vpc-route-sync.io/RoutesProgrammed" && cond.status === "True",
      );
    }, "the Service has RoutesProgrammed=True");
    expect(s.ownershipTags()).toHaveLength(2);

    const deletesBefore = s.fake.calls("routes.delete");
    await serve(s, "openvpn", 1);
    await s.routesConverge(s.node(1).ip);
    expect(s.fake.calls("routes.delete")).toBe(deletesBefore);

    await s.eventually(async () => (await writes(c)) === 4, "four writes were counted");
    const callsBefore = routeWriteCalls(s);
    const passesBefore = c.passes.length;
    await s.eventually(() => c.passes.length >= passesBefore + 2, "two resync passes ran");
    expect(await writes(c)).toBe(4);
    expect(routeWriteCalls(s)).toBe(callsBefore);
  });

  it("converges on ARM's own timings (Retry-After 10 s, 5 s writes) with one write per table and move", async () => {
    const s = await scenario(true, armTimings);
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serve(s, "openvpn", 0);
    const c = await s.startController();
    await s.eventually(
      () => s.routes().every((hop) => hop === s.node(0).ip),
      "routes to node 0",
      60_000,
    );
    await serve(s, "openvpn", 1);
    await s.eventually(
      () => s.routes().every((hop) => hop === s.node(1).ip),
      "routes to node 1",
      60_000,
    );
    await s.eventually(async () => (await writes(c)) === 4, "four writes were counted", 30_000);
    expect(s.fake.calls("routes.createOrUpdate")).toBe(4);
    expect(s.fake.callLog().filter((call) => call.status === 409 || call.status === 429)).toEqual(
      [],
    );
  });

  it("reports ForwardingDisabled naming the NIC while IP forwarding is off", async () => {
    const s = await scenario(false);
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serve(s, "openvpn", 0);
    await s.startController();
    await s.routesConverge(s.node(0).ip);
    await s.eventually(
      async () =>
        (await s.eventReasons("openvpn")).some(
          (e) => e.startsWith("ForwardingDisabled") && e.includes(`${s.node(0).name}-nic`),
        ),
      "a ForwardingDisabled event naming the NIC",
    );
  });

  it("deletes routes and records when the annotation is removed and when the Service is deleted, never a foreign route", async () => {
    const s = await scenario();
    s.seedForeignRoute(0, "10.8.5.0/24", s.node(2).ip);
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serve(s, "openvpn", 0);
    await s.startController();
    await s.routesConverge(s.node(0).ip);
    await s.setServiceAnnotations("openvpn", {});
    await s.routesConverge(undefined);
    await s.setServiceAnnotations("openvpn", annotations);
    await s.routesConverge(s.node(0).ip);
    await s.objects.deleteService(s.namespace, "openvpn");
    await s.routesConverge(undefined);
    await s.eventually(() => s.ownershipTags().length === 0, "no ownership tag is left");
    expect(s.routes("10.8.5.0/24")).toEqual([s.node(2).ip, undefined]);
  });

  it("reports a conflict for a foreign route to the requested CIDR and writes nothing", async () => {
    const s = await scenario();
    s.seedForeignRoute(0, cidr, s.node(2).ip);
    await s.objects.createService(s.namespace, "openvpn", {
      ...annotations,
      "vpc-route-sync.io/route-tables": s.tables[0] ?? "",
    });
    await serve(s, "openvpn", 0);
    const c = await s.startController();
    await s.eventually(
      async () => (await s.eventReasons("openvpn")).some((e) => e.startsWith("RouteConflict")),
      "a RouteConflict event",
    );
    const passesBefore = c.passes.length;
    await s.eventually(() => c.passes.length >= passesBefore + 1, "another resync pass ran");
    expect(await writes(c)).toBe(0);
    expect(routeWriteCalls(s)).toBe(0);
    expect(s.routes()).toEqual([s.node(2).ip, undefined]);
  });

  it("in dry-run reports the plan as a DryRun event and never writes", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", annotations);
    await serve(s, "openvpn", 0);
    const c = await s.startController({ dryRun: "true" });
    await s.eventually(
      async () => (await s.eventReasons("openvpn")).some((e) => e.startsWith("DryRun")),
      "a DryRun event",
    );
    expect((await s.eventReasons("openvpn")).find((e) => e.startsWith("DryRun"))).toContain(
      `would have created ${cidr}`,
    );
    expect((await c.metrics.drift.get()).values[0]?.value).toBe(2);
    expect(await writes(c)).toBe(0);
    expect(routeWriteCalls(s)).toBe(0);
    expect(s.routes()).toEqual([undefined, undefined]);
  });
});
