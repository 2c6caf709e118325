import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, PermanentError } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import { ManualClock } from "../../test/fakes/gcp/manual-clock.js";
import {
  nodeA,
  nodeB,
  type ProviderFixture,
  startProviderFixture,
  targetA,
} from "../../test/fakes/gcp/provider-fixture.js";
import { createGcpProvider } from "./index.js";

let f: ProviderFixture;

beforeAll(async () => {
  f = await startProviderFixture({ cacheTtlMs: 60_000 });
  f.fake.control.seedInstance({
    name: "no-forward",
    zone: "europe-west1-b",
    network: "vpc",
    networkIP: "10.0.0.4",
    canIpForward: false,
  });
  f.fake.control.seedInstance({
    name: "wrong-vpc",
    zone: "europe-west1-b",
    network: "other",
    networkIP: "172.16.0.4",
  });
  f.fake.control.seedSubnetwork({
    name: "east",
    region: "us-east1",
    network: "vpc",
    ipCidrRange: "10.1.0.0/20",
    ipv6CidrRange: "fd20:1:2::/64",
  });
  f.fake.control.seedSubnetwork({
    name: "elsewhere",
    region: "us-east1",
    network: "other",
    ipCidrRange: "172.16.0.0/20",
  });
});
afterAll(async () => {
  await f.close();
});
beforeEach(() => {
  f.fake.control.calls.reset();
});

const node = (name: string) => ({
  name,
  providerId: `gce://test-project/europe-west1-b/${name}`,
  internalIps: [],
});

describe("GCP provider targets and network facts against the fake Compute API", () => {
  it("declares its capabilities: gapless make-before-break, forwarding checked but not managed, IPv6, CIDRs written independently", () => {
    expect(f.provider.name).toBe("gcp");
    expect(f.provider.capabilities).toEqual({
      gaplessReplace: true,
      forwardingCheck: true,
      manageForwarding: false,
      ipv6: true,
      independentRoutes: true,
    });
  });

  it("resolves a node's providerID to its instance, with forwarding enabled, and caches the lookup", async () => {
    const target = await f.provider.resolveTarget(nodeA, 4);
    expect(target).toEqual({
      ...targetA,
      description: "instance node-a (europe-west1-b, 10.0.0.2)",
      forwarding: { state: "enabled" },
    });
    await f.provider.resolveTarget(nodeA, 4);
    expect(f.fake.control.calls.counts()).toEqual({ "instances.get": 1 });
    f.clock.advance(60_000);
    await f.provider.resolveTarget(nodeA, 4);
    expect(f.fake.control.calls.count("instances.get")).toBe(2);
  });

  it("reports canIpForward=false with the instance's name and the only fix there is", async () => {
    const target = await f.provider.resolveTarget(node("no-forward"), 4);
    expect(target.forwarding.state).toBe("disabled");
    const message = target.forwarding.state === "disabled" ? target.forwarding.message : "";
    expect(message).toContain("instance no-forward (europe-west1-b) has canIpForward=false");
    expect(message).toContain("node pool's instance template");
  });

  it.each([
    [
      "a node that is not a GCE instance",
      { name: "kind-1", providerId: "kind://docker/kind/kind-1", internalIps: [] },
      /expected gce:\/\/<project>\/<zone>\/<instance>/,
    ],
    [
      "a node without providerID",
      { name: "bare", providerId: undefined, internalIps: [] },
      /spec.providerID ""/,
    ],
    [
      "an instance outside the managed network",
      node("wrong-vpc"),
      /no network interface in network projects\/test-project\/global\/networks\/vpc/,
    ],
  ])("refuses %s with a PermanentError that names it", async (_case, input, message) => {
    const error = await f.provider.resolveTarget(input, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toMatch(message);
  });

  it("resolves IPv6 CIDRs only to dual-stack instances", async () => {
    await expect(f.provider.resolveTarget(nodeB, 6)).resolves.toMatchObject({
      description: expect.stringContaining("fd20:1:2:3:0:0:0:3"),
    });
    await expect(f.provider.resolveTarget(nodeA, 6)).rejects.toThrow(
      /IPv6 routes need a dual-stack next hop/,
    );
  });

  it("reports a missing instance as not found", async () => {
    await expect(f.provider.resolveTarget(node("ghost"), 4)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("instances.get instance ghost"),
    });
  });

  it("reads the network's own CIDRs: primary, secondary and IPv6 subnet ranges, cached", async () => {
    const cidrs = await f.provider.networkCidrs();
    expect(cidrs.map((c) => c.text)).toEqual([
      "10.0.0.0/20",
      "10.1.0.0/20",
      "10.4.0.0/14",
      "fd20:1:2::/64",
    ]);
    await f.provider.networkCidrs();
    expect(f.fake.control.calls.counts()).toEqual({
      "networks.get": 1,
      "subnetworks.aggregatedList": 1,
    });
  });

  it("explains that it cannot turn forwarding on", async () => {
    const target = await f.provider.resolveTarget(node("no-forward"), 4);
    await expect(f.provider.enableForwarding(target)).rejects.toThrow(PermanentError);
    await expect(f.provider.enableForwarding(target)).rejects.toThrow(
      /canIpForward only when an instance is created/,
    );
  });

  it.each([
    [
      "a priority of 0 (no room for the alternate slot)",
      { routePriority: 0 },
      /route priority 0 is out of range/,
    ],
    ["a malformed network", { network: "Not A Network" }, /neither a network name nor projects/],
    ["an empty cluster id", { clusterId: " " }, /clusterId is empty/],
  ])("refuses %s at construction", (_case, override, message) => {
    const options = {
      clusterId: "prod",
      project: "p",
      network: "vpc",
      clock: new ManualClock(),
      logger: silentLogger(),
      ...override,
    };
    expect(() => createGcpProvider(options)).toThrow(ConfigError);
    expect(() => createGcpProvider(options)).toThrow(message);
  });
});
