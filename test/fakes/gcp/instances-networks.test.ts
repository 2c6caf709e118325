import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfLink } from "./resource-urls.js";
import { failureOf, type SdkClients, sdkClients, startSeededFake } from "./sdk-harness.js";
import type { FakeCompute } from "./server.js";

const project = "test-project";
let fake: FakeCompute;
let sdk: SdkClients;

beforeAll(async () => {
  fake = await startSeededFake();
  fake.control.seedSubnetwork({
    name: "east",
    region: "us-east1",
    network: "vpc",
    ipCidrRange: "10.1.0.0/20",
    ipv6CidrRange: "fd20:1:2::/64",
  });
  fake.control.seedSubnetwork({
    name: "elsewhere",
    region: "us-east1",
    network: "other",
    ipCidrRange: "172.16.0.0/20",
  });
  fake.control.seedInstance({
    name: "no-forward",
    zone: "europe-west1-b",
    network: "vpc",
    networkIP: "10.0.0.4",
    canIpForward: false,
  });
  sdk = sdkClients(fake);
});
afterAll(async () => {
  await sdk.close();
  await fake.close();
});

describe("instances, networks and subnetworks through the real SDK clients", () => {
  it("gets an instance with canIpForward, its interfaces and selfLink", async () => {
    const [instance] = await sdk.instances.get({
      project,
      zone: "europe-west1-c",
      instance: "node-b",
    });
    expect(instance).toMatchObject({
      kind: "compute#instance",
      name: "node-b",
      canIpForward: true,
      status: "RUNNING",
      zone: selfLink(`projects/${project}/zones/europe-west1-c`),
      selfLink: selfLink(`projects/${project}/zones/europe-west1-c/instances/node-b`),
    });
    expect(instance.networkInterfaces?.[0]).toMatchObject({
      name: "nic0",
      network: selfLink(`projects/${project}/global/networks/vpc`),
      networkIP: "10.0.0.3",
      stackType: "IPV4_IPV6",
      ipv6Address: "fd20:1:2:3:0:0:0:3",
    });
    const [blocked] = await sdk.instances.get({
      project,
      zone: "europe-west1-b",
      instance: "no-forward",
    });
    expect(blocked.canIpForward).toBe(false);
  });

  it("answers 404 notFound for an unknown instance", async () => {
    const failure = await failureOf(() =>
      sdk.instances.get({ project, zone: "europe-west1-b", instance: "ghost" }),
    );
    expect(failure).toMatchObject({ httpStatusCode: 404, errorsReason: "notFound" });
    expect(failure.message).toBe(
      `The resource 'projects/${project}/zones/europe-west1-b/instances/ghost' was not found`,
    );
  });

  it("gets a network with the URLs of its subnetworks", async () => {
    const [network] = await sdk.networks.get({ project, network: "vpc" });
    expect(network).toMatchObject({
      kind: "compute#network",
      name: "vpc",
      autoCreateSubnetworks: false,
      selfLink: selfLink(`projects/${project}/global/networks/vpc`),
    });
    expect(network.subnetworks).toEqual([
      selfLink(`projects/${project}/regions/europe-west1/subnetworks/nodes`),
      selfLink(`projects/${project}/regions/us-east1/subnetworks/east`),
    ]);
  });

  it("lists a network's subnetworks across regions with aggregatedList and a network filter", async () => {
    const scopes: [string, string[]][] = [];
    const filter = `network = "${selfLink(`projects/${project}/global/networks/vpc`)}"`;
    for await (const [scope, list] of sdk.subnetworks.aggregatedListAsync(
      { project, filter },
      { autoPaginate: false },
    )) {
      scopes.push([
        scope,
        (list.subnetworks ?? []).map((s) =>
          `${s.name} ${s.ipCidrRange} ${(s.secondaryIpRanges ?? []).map((r) => r.ipCidrRange).join(",")} ${s.ipv6CidrRange ?? ""}`.trim(),
        ),
      ]);
    }
    expect(scopes).toEqual([
      ["regions/europe-west1", ["nodes 10.0.0.0/20 10.4.0.0/14"]],
      ["regions/us-east1", ["east 10.1.0.0/20  fd20:1:2::/64"]],
    ]);
  });

  it("lists one region's subnetworks", async () => {
    const [subnets] = await sdk.subnetworks.list(
      { project, region: "us-east1" },
      { autoPaginate: false },
    );
    expect(subnets.map((s) => s.name)).toEqual(["east", "elsewhere"]);
  });
});
