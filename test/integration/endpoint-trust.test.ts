import { DescribeRouteTablesCommand } from "@aws-sdk/client-ec2";
import { CoreV1Api, DiscoveryV1Api } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { awsScenarios } from "../harness/aws-fixture.js";

const scenario = awsScenarios("trust");

describe("what the controller trusts about endpoints (real kube-apiserver, LocalStack)", () => {
  it("ignores a slice an untrusted writer added, says why in an Event, and keeps the route on the trusted endpoint", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    await s.startController();
    await s.routesConverge(s.node(0).eniId);
    // Someone who may write EndpointSlices in the namespace points the Service at node 1, and
    // makes the trusted slice's endpoint look gone by marking its own as the only ready one.
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5", ready: false },
    ]);
    await s.kubeConfig.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({
      namespace: s.namespace,
      body: {
        metadata: {
          name: "openvpn-forged",
          labels: {
            "kubernetes.io/service-name": "openvpn",
            "endpointslice.kubernetes.io/managed-by": "someone-else",
          },
        },
        addressType: "IPv4",
        endpoints: [
          { addresses: ["10.244.1.66"], nodeName: s.node(1).name, conditions: { ready: true } },
        ],
      },
    });
    await s.eventually(
      async () =>
        (await s.eventReasons("openvpn")).some(
          (e) =>
            e.startsWith("EndpointSliceNotTrusted") &&
            e.includes(`${s.namespace}/openvpn-forged`) &&
            e.includes('"someone-else"'),
        ),
      "an EndpointSliceNotTrusted event naming the forged slice and its manager",
    );
    // Two more resyncs: the forged endpoint never becomes a target (on-no-endpoint keeps).
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const tables = await s.ec2.send(
      new DescribeRouteTablesCommand({ RouteTableIds: [...s.vpc.routeTableIds] }),
    );
    const targets = (tables.RouteTables ?? []).flatMap((t) =>
      (t.Routes ?? [])
        .filter((r) => r.DestinationCidrBlock === "10.8.0.0/24")
        .map((r) => r.NetworkInterfaceId),
    );
    expect(targets).toEqual(s.vpc.routeTableIds.map(() => s.node(0).eniId));
  });

  it("notices within seconds that the hosting Node was deleted and moves to the other ready endpoint", async () => {
    const s = await scenario();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
      { nodeName: s.node(1).name, address: "10.244.1.5" },
    ]);
    await s.startController();
    await s.routesConverge(s.node(0).eniId);
    // Before this fix the Node stayed cached for 300 s; the scenario waits at most its default.
    await s.kubeConfig.makeApiClient(CoreV1Api).deleteNode({ name: s.node(0).name });
    await s.routesConverge(s.node(1).eniId, "10.8.0.0/24", 10_000);
    expect((await s.eventReasons("openvpn")).some((e) => e.startsWith("EndpointNodeMissing"))).toBe(
      true,
    );
  });
});
