import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "./manual-clock.js";
import { selfLink } from "./resource-urls.js";
import {
  failureOf,
  type SdkClients,
  sdkClients,
  startSeededFake,
  waitUntilDone,
} from "./sdk-harness.js";
import type { FakeCompute } from "./server.js";

// What the fake adds for issue 14: system routes, subnet-overlap refusal, route warnings, and the
// two undocumented choices (URL host in listings, how `=` compares URL fields), both ways.

const project = "test-project";
const vpcPath = `projects/${project}/global/networks/vpc`;
const nodeA = `projects/${project}/zones/europe-west1-b/instances/node-a`;
let fake: FakeCompute;
let sdk: SdkClients;

beforeAll(async () => {
  fake = await startSeededFake({ clock: new ManualClock() });
  sdk = sdkClients(fake);
});
afterAll(async () => {
  await sdk.close();
  await fake.close();
});
beforeEach(() => {
  Object.assign(fake.control.behaviour, {
    urlHost: "www.googleapis.com",
    urlFieldMatch: "exact",
    systemRoutes: true,
  });
});

async function list(filter: string) {
  const [routes] = await sdk.routes.list({ project, filter }, { autoPaginate: false });
  return routes;
}

async function insert(name: string, destRange: string) {
  const [operation] = await sdk.routes.insert({
    project,
    routeResource: { name, network: "global/networks/vpc", destRange, nextHopInstance: nodeA },
  });
  return waitUntilDone(sdk, project, String(operation.latestResponse.name));
}

describe("fake Compute: documented behaviours and undocumented ones both ways", () => {
  it("lists the network's default route and one SUBNET route per subnet range", async () => {
    const routes = await list(`network eq ".*/${vpcPath}"`);
    const system = routes.map((r) => [r.destRange, r.routeType, r.priority]);
    expect(system).toEqual(
      expect.arrayContaining([
        ["0.0.0.0/0", "STATIC", 1000],
        ["10.0.0.0/20", "SUBNET", 0],
        ["10.4.0.0/14", "SUBNET", 0],
      ]),
    );
    expect(routes.every((r) => r.name?.startsWith("default-route-"))).toBe(true);
    fake.control.behaviour.systemRoutes = false;
    expect(await list(`network eq ".*/${vpcPath}"`)).toEqual([]);
  });

  it.each([
    ["10.0.0.0/20", "equal to"],
    ["10.0.3.0/24", "inside"],
    ["10.5.0.0/16", "inside the secondary range of"],
  ])("refuses a static route whose destination %s is %s a subnet range", async (range) => {
    const failure = await failureOf(() =>
      sdk.routes.insert({
        project,
        routeResource: {
          name: "overlap",
          network: "global/networks/vpc",
          destRange: range,
          nextHopInstance: nodeA,
        },
      }),
    );
    expect(failure).toMatchObject({ httpStatusCode: 400, errorsReason: "invalid" });
    expect(failure.message).toMatch(/equal to or more specific than the range/);
  });

  it("warns on a route whose next-hop instance stops, and on one whose instance is gone", async () => {
    fake.control.seedInstance({
      name: "hop",
      zone: "europe-west1-b",
      network: "vpc",
      networkIP: "10.0.0.9",
    });
    const hop = `projects/${project}/zones/europe-west1-b/instances/hop`;
    fake.control.seedRoute({
      name: "via-hop",
      network: "vpc",
      destRange: "10.70.0.0/24",
      nextHopInstance: hop,
    });
    const warnings = async () => (await sdk.routes.get({ project, route: "via-hop" }))[0].warnings;
    expect(await warnings()).toEqual([]);
    fake.control.setInstanceStatus(hop, "TERMINATED");
    expect(await warnings()).toMatchObject([{ code: "NEXT_HOP_NOT_RUNNING" }]);
    fake.control.removeInstance(hop);
    expect(await warnings()).toMatchObject([{ code: "NEXT_HOP_INSTANCE_NOT_FOUND" }]);
    fake.control.removeRoute("via-hop");
  });

  it.each([
    ["exact", "www.googleapis.com", 1],
    ["exact", "compute.googleapis.com", 0],
    ["path", "www.googleapis.com", 1],
    ["path", "compute.googleapis.com", 1],
  ] as const)(
    "compares a `network = <www URL>` filter by %s against listings on %s",
    async (urlFieldMatch, urlHost, expected) => {
      await insert("mine", "10.8.0.0/24");
      Object.assign(fake.control.behaviour, { urlFieldMatch, urlHost, systemRoutes: false });
      const routes = await list(`network = "${selfLink(vpcPath)}"`);
      expect(routes).toHaveLength(expected);
      expect(await list(`network eq ".*/${vpcPath}"`)).toHaveLength(1);
      if (urlHost === "compute.googleapis.com")
        expect(routes.concat(await list(`network eq ".*/${vpcPath}"`))[0]?.network).toMatch(
          /^https:\/\/compute\.googleapis\.com\/compute\/v1\/projects\//,
        );
      fake.control.removeRoute("mine");
    },
  );
});
