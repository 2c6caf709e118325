import { describe, expect, it } from "vitest";
import { isConfigError, isNotFound, isPermanent } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import { createFakeWorld, manualClock, world } from "../../test/fakes/aws/fake-world.js";
import { awsServiceError } from "../../test/fakes/aws/service-error.js";
import { createAwsProvider } from "./index.js";

describe("AWS provider", () => {
  it("declares its name and capabilities", () => {
    expect(createFakeWorld().provider.name).toBe("aws");
    expect(createFakeWorld().provider.capabilities).toEqual({
      gaplessReplace: true,
      forwardingCheck: true,
      manageForwarding: false,
      ipv6: true,
    });
    const managing = createFakeWorld({ manageSourceDestCheck: true }).provider;
    expect(managing.capabilities.manageForwarding).toBe(true);
  });

  it.each([
    ["a cluster id with a slash", { clusterId: "a/b" }, /clusterId/],
    ["no route table selection", { routeTableIds: [], routeTableTags: [] }, /routeTableIds/],
    ["a malformed table id", { routeTableIds: ["route-1"] }, /rtb-/],
    ["a malformed region", { region: "Virginia" }, /region/],
    ["a negative cache TTL", { cacheTtlMs: -1 }, /cacheTtlMs/],
  ])("refuses %s at construction", async (_label, options, message) => {
    const build = () =>
      createAwsProvider({
        clusterId: "c1",
        region: "us-east-1",
        routeTableIds: ["rtb-0a"],
        routeTableTags: [],
        manageSourceDestCheck: false,
        clock: manualClock(),
        logger: silentLogger(),
        ...options,
      });
    const error = await build().catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it("reports every VPC range and answers later asks from the cache", async () => {
    const { provider, observer, clock } = createFakeWorld();
    const cidrs = await provider.networkCidrs();
    expect(cidrs.map((c) => c.text)).toEqual(["172.31.0.0/16", "2600:1f18:1:100::/56"]);
    expect(observer.calls.map((c) => c.operation)).toEqual(["DescribeRouteTables", "DescribeVpcs"]);
    observer.reset();
    await provider.networkCidrs();
    expect(observer.count()).toBe(0);
    clock.advance(10 * 60 * 1000);
    await provider.listTables();
    await provider.networkCidrs();
    expect(observer.calls.map((c) => c.operation)).toEqual(["DescribeRouteTables", "DescribeVpcs"]);
  });

  it("fails safe when a managed table's VPC cannot be described", async () => {
    const { provider, port } = createFakeWorld();
    port.vpcs.clear();
    expect(isNotFound(await provider.networkCidrs().catch((e: unknown) => e))).toBe(true);
  });

  it("refuses to touch source/destination check unless allowed", async () => {
    const { provider, port } = createFakeWorld();
    const target = await provider.resolveTarget(world.nodeA, 4);
    const error = await provider.enableForwarding(target).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/manageSourceDestCheck is not enabled/);
    expect(port.interfaces.get(world.eniA)?.sourceDestCheck).toBe(true);
  });

  it("turns source/destination check off when allowed and remembers it", async () => {
    const { provider, port, observer } = createFakeWorld({ manageSourceDestCheck: true });
    const target = await provider.resolveTarget(world.nodeA, 4);
    expect(target.forwarding.state).toBe("disabled");
    await provider.enableForwarding(target);
    expect(port.interfaces.get(world.eniA)?.sourceDestCheck).toBe(false);
    observer.reset();
    expect((await provider.resolveTarget(world.nodeA, 4)).forwarding).toEqual({ state: "enabled" });
    expect(observer.count()).toBe(0);
  });

  it("counts every call with its operation, outcome and duration", async () => {
    const { provider, port, observer, clock } = createFakeWorld();
    const slow = port.describeRouteTables.bind(port);
    port.describeRouteTables = async function* (filters) {
      clock.advance(250);
      yield* slow(filters);
    };
    await provider.listTables();
    port.failNext("describeRouteTables", awsServiceError("RequestLimitExceeded", "slow down", 503));
    await provider.listTables().catch(() => undefined);
    port.failNext("describeRouteTables", awsServiceError("UnauthorizedOperation", "no", 403));
    await provider.listTables().catch(() => undefined);
    expect(observer.calls).toEqual([
      { operation: "DescribeRouteTables", outcome: "ok", seconds: 0.25 },
      { operation: "DescribeRouteTables", outcome: "throttled", seconds: 0.25 },
      { operation: "DescribeRouteTables", outcome: "error", seconds: 0.25 },
    ]);
  });
});
