import {
  CreateRouteCommand,
  DescribeRouteTablesCommand,
  ReplaceRouteCommand,
} from "@aws-sdk/client-ec2";
import { CoreV1Api } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { awsScenarios } from "../harness/aws-fixture.js";
import type { ScenarioController } from "../harness/aws-scenario.js";

const scenario = awsScenarios("ctl");

const writes = async (c: ScenarioController) =>
  (await c.metrics.routeWrites.get()).values
    .filter((v) => v.labels.result === "ok")
    .reduce((n, v) => n + v.value, 0);

const calls = async (c: ScenarioController, operation: string) =>
  (await c.metrics.cloudCalls.get()).values
    .filter((v) => v.labels.operation === operation)
    .reduce((n, v) => n + v.value, 0);

describe("controller with the AWS provider (LocalStack + kube-apiserver)", () => {
  it("routes the CIDR in all three tables to the ENI of the node hosting the ready endpoint", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    await s.startController({ awsManageSourceDestCheck: "true" });
    await s.routesConverge(s.node(0).eniId);
    const core = s.kubeConfig.makeApiClient(CoreV1Api);
    await s.eventually(async () => {
      const svc = await core.readNamespacedService({ namespace: s.namespace, name: "openvpn" });
      return (
        svc.status?.conditions?.some(
          (c) => c.type === "vpc-route-sync.io/RoutesProgrammed" && c.status === "True",
        ) ?? false
      );
    }, "the Service has RoutesProgrammed=True");
    expect((await s.eventReasons("openvpn")).some((e) => e.startsWith("RoutesProgrammed"))).toBe(
      true,
    );
  });

  it("reports ForwardingDisabled while the target ENI checks source/destination", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    await s.startController();
    await s.routesConverge(s.node(0).eniId);
    await s.eventually(
      async () =>
        (await s.eventReasons("openvpn")).some(
          (e) => e.startsWith("ForwardingDisabled") && e.includes(s.node(0).eniId),
        ),
      "a ForwardingDisabled event naming the ENI",
    );
    const svc = await s.kubeConfig
      .makeApiClient(CoreV1Api)
      .readNamespacedService({ namespace: s.namespace, name: "openvpn" });
    expect(
      svc.status?.conditions?.find((c) => c.type === "vpc-route-sync.io/RoutesProgrammed")?.reason,
    ).toBe("ForwardingDisabled");
  });

  it("moves every table to the new node, then makes no writes in steady state", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    const c = await s.startController();
    await s.routesConverge(s.node(0).eniId);
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(1).name, address: "10.244.1.5" },
    ]);
    await s.routesConverge(s.node(1).eniId);
    await s.eventually(async () => (await writes(c)) === 6, "six writes were counted");
    const passesBefore = c.passes.length;
    const describesBefore = await calls(c, "DescribeRouteTables");
    await s.eventually(
      async () => c.passes.length >= passesBefore + 2,
      "two resync passes ran",
      15_000,
    );
    expect(await writes(c)).toBe(6);
    const passes = c.passes.length - passesBefore;
    expect(await calls(c, "DescribeRouteTables")).toBeLessThanOrEqual(describesBefore + passes + 1);
  });

  it("deletes its routes when the annotation is removed and when the Service is deleted, never a foreign route", async () => {
    const s = await scenario();
    const [table] = s.vpc.routeTableIds;
    await s.ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: "10.8.5.0/24",
        NetworkInterfaceId: s.node(2).eniId,
      }),
    );
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    await s.startController();
    await s.routesConverge(s.node(0).eniId);
    await s.objects.setServiceAnnotations(s.namespace, "openvpn", {});
    await s.routesConverge(undefined);
    await s.objects.setServiceAnnotations(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.routesConverge(s.node(0).eniId);
    await s.objects.deleteService(s.namespace, "openvpn");
    await s.routesConverge(undefined);
    expect((await s.routes("10.8.5.0/24"))[0]).toBe(s.node(2).eniId);
  });

  it("reports a conflict for a foreign route and writes nothing; adopts it when allowed", async () => {
    const s = await scenario();
    const [table] = s.vpc.routeTableIds;
    await s.ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: "10.8.0.0/24",
        NetworkInterfaceId: s.node(2).eniId,
      }),
    );
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
      "vpc-route-sync.io/route-tables": table ?? "",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    const first = await s.startController();
    await s.eventually(
      async () => (await s.eventReasons("openvpn")).some((e) => e.startsWith("RouteConflict")),
      "a RouteConflict event",
    );
    expect(await writes(first)).toBe(0);
    expect((await s.routes())[0]).toBe(s.node(2).eniId);
    await first.running.stop();
    await s.startController({ adoptExistingRoutes: "true" });
    await s.eventually(
      async () => (await s.routes())[0] === s.node(0).eniId,
      "the route was adopted",
    );
    const out = await s.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table ?? ""] }));
    const tags = out.RouteTables?.[0]?.Tags ?? [];
    expect(
      tags.some((t) => t.Key?.includes("10.8.0.0/24") && t.Value?.startsWith(`${s.name}/`)),
    ).toBe(true);
  });

  it("refuses hostile annotations with Events and makes no cloud write", async () => {
    const s = await scenario();
    const hostile: Record<string, string> = {
      "outside-allowlist": "10.9.0.0/24",
      everything: "0.0.0.0/0",
      "vpc-overlap": "172.31.8.0/24",
      "non-canonical": "10.8.0.1/24",
      garbage: "not-a-cidr; rm -rf /",
      "huge-list": Array.from({ length: 500 }, (_, i) => `10.8.${i % 256}.0/24`).join(","),
    };
    for (const [name, cidrs] of Object.entries(hostile)) {
      await s.objects.createService(s.namespace, name, { "vpc-route-sync.io/cidrs": cidrs });
      await s.objects.setEndpoints(s.namespace, name, [
        { nodeName: s.node(0).name, address: "10.244.0.5" },
      ]);
    }
    const c = await s.startController();
    for (const name of Object.keys(hostile)) {
      await s.eventually(
        async () =>
          (await s.eventReasons(name)).some((e) => /^(InvalidAnnotation|CidrNotAllowed)/.test(e)),
        `an Event for ${name}`,
      );
    }
    expect(await writes(c)).toBe(0);
    expect(await calls(c, "CreateRoute")).toBe(0);
    expect(await calls(c, "CreateTags")).toBe(0);
    const messages = (await s.eventReasons("non-canonical")).join("\n");
    expect(messages).toContain("10.8.0.0/24");
  });

  it("repairs a route changed behind its back on the next resync", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    const c = await s.startController();
    await s.routesConverge(s.node(0).eniId);
    await s.eventually(async () => (await writes(c)) === 3, "three writes were counted");
    await s.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: s.vpc.routeTableIds[1],
        DestinationCidrBlock: "10.8.0.0/24",
        NetworkInterfaceId: s.node(2).eniId,
      }),
    );
    // The repair is the one extra write (the tampered route may already be repaired when read).
    await s.eventually(
      async () => (await writes(c)) === 4,
      "the controller rewrote the tampered route",
    );
    await s.routesConverge(s.node(0).eniId);
  });

  it("in dry-run computes the plan, reports it, and never writes", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    const c = await s.startController({ dryRun: "true" });
    await s.eventually(
      async () => (await s.eventReasons("openvpn")).some((e) => e.startsWith("DryRun")),
      "a DryRun event",
    );
    expect((await s.eventReasons("openvpn")).find((e) => e.startsWith("DryRun"))).toContain(
      "would have created 10.8.0.0/24",
    );
    expect((await c.metrics.drift.get()).values[0]?.value).toBe(3);
    expect(await writes(c)).toBe(0);
    expect(await calls(c, "CreateRoute")).toBe(0);
    expect(await s.routes()).toEqual([undefined, undefined, undefined]);
  });
});
