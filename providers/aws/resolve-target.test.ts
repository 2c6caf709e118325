import { describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { isNotFound, isPermanent } from "../../src/errors.js";
import { createFakeWorld, world } from "../../test/fakes/aws/fake-world.js";
import { awsServiceError } from "../../test/fakes/aws/service-error.js";

const owner = { clusterId: "c1", service: "vpn/openvpn" };

describe("resolveTarget", () => {
  it("finds the node's ENI by the instance in its providerID", async () => {
    const { provider, port } = createFakeWorld();
    const target = await provider.resolveTarget(world.nodeA, 4);
    expect(target).toEqual({
      id: world.eniA,
      nodeName: "node-a",
      description: `${world.eniA} (i-0aaa, 172.31.0.10)`,
      forwarding: {
        state: "disabled",
        message: expect.stringContaining(`disable source/destination check on ${world.eniA}`),
      },
    });
    expect(port.calls).toEqual([
      { method: "describeNetworkInterfaces", detail: "attachment.instance-id=i-0aaa" },
    ]);
  });

  it("resolves the IPv6 target through the ENI holding the node's IPv6 InternalIP", async () => {
    const { provider } = createFakeWorld();
    const target = await provider.resolveTarget(world.nodeA, 6);
    expect(target.description).toBe(`${world.eniA} (i-0aaa, 2600:1f18:1:100::a)`);
  });

  it("falls back to the InternalIP within the managed tables' VPCs without a providerID", async () => {
    const { provider, port } = createFakeWorld();
    const target = await provider.resolveTarget({ ...world.nodeB, providerId: undefined }, 4);
    expect(target.id).toBe(world.eniB);
    expect(target.forwarding).toEqual({ state: "enabled" });
    expect(port.calls.map((c) => c.detail)).toEqual([
      `route-table-id=${world.tables.join(",")}`,
      `addresses.private-ip-address=172.31.16.20 vpc-id=${world.vpcId}`,
    ]);
  });

  it("falls back to the InternalIP when the providerID names no instance", async () => {
    const { provider, port } = createFakeWorld();
    await provider.listTables();
    const target = await provider.resolveTarget({ ...world.nodeB, providerId: "kind://x/y" }, 4);
    expect(target.id).toBe(world.eniB);
    expect(port.calls.at(-1)?.detail).toContain("addresses.private-ip-address=172.31.16.20");
  });

  it("answers a second resolve from the cache, with no call", async () => {
    const { provider, observer } = createFakeWorld();
    const first = await provider.resolveTarget(world.nodeA, 4);
    observer.reset();
    expect(await provider.resolveTarget(world.nodeA, 4)).toBe(first);
    expect(observer.count()).toBe(0);
  });

  it("shares one lookup between concurrent resolves of the same node", async () => {
    const { provider, observer } = createFakeWorld();
    const [a, b] = await Promise.all([
      provider.resolveTarget(world.nodeA, 4),
      provider.resolveTarget(world.nodeA, 4),
    ]);
    expect(a).toBe(b);
    expect(observer.count()).toBe(1);
  });

  it("looks again once the cache entry has expired", async () => {
    const { provider, observer, clock } = createFakeWorld({ cacheTtlMs: 60_000 });
    await provider.resolveTarget(world.nodeA, 4);
    clock.advance(59_999);
    await provider.resolveTarget(world.nodeA, 4);
    expect(observer.count()).toBe(1);
    clock.advance(1);
    await provider.resolveTarget(world.nodeA, 4);
    expect(observer.count()).toBe(2);
  });

  it("keys the cache by family and by the node's addresses", async () => {
    const { provider, observer } = createFakeWorld();
    await provider.resolveTarget(world.nodeA, 4);
    await provider.resolveTarget(world.nodeA, 6);
    await provider.resolveTarget({ ...world.nodeA, internalIps: ["172.31.0.10"] }, 4);
    expect(observer.count("DescribeNetworkInterfaces")).toBe(3);
  });

  it("forgets a node after a write to its ENI failed with not-found", async () => {
    const { provider, port, observer } = createFakeWorld();
    const target = await provider.resolveTarget(world.nodeA, 4);
    port.interfaces.delete(world.eniA);
    const write = {
      kind: "create" as const,
      table: world.tables[0],
      cidr: mustParseCidr("10.8.0.0/24"),
      target,
      owner,
      adopt: false,
      routeExists: false,
      ownerChanged: true,
    };
    expect(isNotFound(await provider.applyWrite(write).catch((e: unknown) => e))).toBe(true);
    observer.reset();
    expect(isNotFound(await provider.resolveTarget(world.nodeA, 4).catch((e: unknown) => e))).toBe(
      true,
    );
    expect(observer.count("DescribeNetworkInterfaces")).toBe(1);
  });

  it("does not cache failures", async () => {
    const { provider, port, observer } = createFakeWorld();
    port.failNext(
      "describeNetworkInterfaces",
      awsServiceError("RequestLimitExceeded", "slow down", 503),
    );
    await expect(provider.resolveTarget(world.nodeA, 4)).rejects.toThrow(/RequestLimitExceeded/);
    await provider.resolveTarget(world.nodeA, 4);
    expect(observer.calls.map((c) => c.outcome)).toEqual(["throttled", "ok"]);
  });

  it("refuses a node with neither providerID nor InternalIP without calling EC2", async () => {
    const { provider, observer } = createFakeWorld();
    const error = await provider
      .resolveTarget({ name: "bare", providerId: undefined, internalIps: [] }, 4)
      .catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect(observer.count()).toBe(0);
  });
});
