import { describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { isConflict, isPermanent } from "../../src/errors.js";
import { createFakeWorld, world } from "../../test/fakes/aws/fake-world.js";
import { awsServiceError } from "../../test/fakes/aws/service-error.js";
import type { RouteWrite } from "../types.js";
import { isMissingRoute } from "./apply-write.js";

const table = world.tables[0];
const owner = { clusterId: "c1", service: "vpn/openvpn" };
const tagKey = "vpc-route-sync.io/route/10.8.0.0/24";
const targetA = { id: world.eniA, nodeName: "node-a" };
const targetB = { id: world.eniB, nodeName: "node-b" };
const write = (overrides: Partial<RouteWrite>): RouteWrite => ({
  kind: "create",
  table,
  cidr: mustParseCidr("10.8.0.0/24"),
  target: targetA,
  owner,
  adopt: false,
  routeExists: false,
  ownerChanged: true,
  ...overrides,
});
const methods = (port: { calls: { method: string }[] }) => port.calls.map((c) => c.method);

describe("applyWrite", () => {
  it("tags before it creates the route", async () => {
    const { provider, port } = createFakeWorld();
    await provider.applyWrite(write({}));
    expect(methods(port)).toEqual(["createTags", "createRoute"]);
    expect(port.tables.get(table)?.tags.get(tagKey)).toBe("c1/vpn/openvpn");
    expect(port.tables.get(table)?.routes.get("10.8.0.0/24")?.networkInterfaceId).toBe(world.eniA);
  });

  it("leaves a harmless record, and no route, when the create fails after tagging", async () => {
    const { provider, port } = createFakeWorld();
    port.failNext("createRoute", awsServiceError("InternalError", "boom", 500));
    await expect(provider.applyWrite(write({}))).rejects.toThrow(/InternalError/);
    expect(port.tables.get(table)?.tags.has(tagKey)).toBe(true);
    expect(port.tables.get(table)?.routes.has("10.8.0.0/24")).toBe(false);
    const [listed] = await provider.listTables();
    expect(listed?.routes.find((r) => r.cidr === "10.8.0.0/24")?.exists).toBe(false);
  });

  it("moves the route with one ReplaceRoute when the owner stays", async () => {
    const { provider, port } = createFakeWorld();
    await provider.applyWrite(write({}));
    port.calls.length = 0;
    await provider.applyWrite(write({ kind: "replace", target: targetB, ownerChanged: false }));
    expect(methods(port)).toEqual(["replaceRoute"]);
    expect(port.tables.get(table)?.routes.get("10.8.0.0/24")?.networkInterfaceId).toBe(world.eniB);
  });

  it("tags before replacing when the owner changes or the route is adopted", async () => {
    const { provider, port } = createFakeWorld();
    port.putRoute(table, "10.8.0.0/24", { networkInterfaceId: world.eniA });
    await provider.applyWrite(
      write({ kind: "replace", target: targetB, adopt: true, ownerChanged: false }),
    );
    await provider.applyWrite(
      write({ kind: "replace", target: targetA, owner: { clusterId: "c1", service: "vpn/other" } }),
    );
    expect(methods(port)).toEqual(["createTags", "replaceRoute", "createTags", "replaceRoute"]);
    expect(port.tables.get(table)?.tags.get(tagKey)).toBe("c1/vpn/other");
  });

  it("tags before creating even when the record was observed, so no route is ever unowned", async () => {
    const { provider, port } = createFakeWorld();
    await provider.applyWrite(write({ ownerChanged: false }));
    expect(methods(port)).toEqual(["createTags", "createRoute"]);
  });

  it("creates the route when the one to replace is gone", async () => {
    const { provider, port } = createFakeWorld();
    await provider.applyWrite(write({ kind: "replace", target: targetB }));
    expect(methods(port)).toEqual(["createTags", "replaceRoute", "createRoute"]);
    expect(port.tables.get(table)?.routes.get("10.8.0.0/24")?.networkInterfaceId).toBe(world.eniB);
  });

  it("does not mistake other invalid-parameter errors for a missing route", async () => {
    const { provider, port } = createFakeWorld();
    port.failNext(
      "replaceRoute",
      awsServiceError("InvalidParameterValue", "Value (x) for parameter y is invalid"),
    );
    const error = await provider.applyWrite(write({ kind: "replace" })).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect(methods(port)).toEqual(["createTags", "replaceRoute"]);
  });

  it.each([
    [
      "InvalidParameterValue",
      "There is no route defined for '10.8.0.0/24' in the route table. Use CreateRoute instead.",
      true,
    ],
    [
      "InvalidRoute.NotFound",
      "no route with destination-cidr-block 10.8.0.0/24 in route table rtb-1",
      true,
    ],
    ["InvalidParameterValue", "Invalid value 'x' for routeTableId", false],
    ["InvalidRoute.Malformed", "no route", false],
  ])("isMissingRoute(%s, %j) is %s", (code, message, expected) => {
    expect(isMissingRoute(awsServiceError(code, message))).toBe(expected);
  });

  it("deletes the route before its tag, and only a tag with our exact value", async () => {
    const { provider, port } = createFakeWorld();
    await provider.applyWrite(write({}));
    port.calls.length = 0;
    await provider.applyWrite(write({ kind: "delete", target: undefined, routeExists: true }));
    expect(methods(port)).toEqual(["deleteRoute", "deleteTags"]);
    expect(port.calls[1]?.detail).toBe(`${table} ${tagKey}=c1/vpn/openvpn`);
    expect(port.tables.get(table)?.routes.has("10.8.0.0/24")).toBe(false);
    expect(port.tables.get(table)?.tags.has(tagKey)).toBe(false);
  });

  it("treats an already deleted route as done and still removes the record", async () => {
    const { provider, port } = createFakeWorld();
    port.tables.get(table)?.tags.set(tagKey, "c1/vpn/openvpn");
    await provider.applyWrite(write({ kind: "delete", target: undefined, routeExists: true }));
    expect(methods(port)).toEqual(["deleteRoute", "deleteTags"]);
    expect(port.tables.get(table)?.tags.has(tagKey)).toBe(false);
  });

  it("removes only the record when the route is known to be gone", async () => {
    const { provider, port } = createFakeWorld();
    port.putRoute(table, "10.8.0.0/24", { networkInterfaceId: world.eniB });
    await provider.applyWrite(write({ kind: "delete", target: undefined, routeExists: false }));
    expect(methods(port)).toEqual(["deleteTags"]);
    expect(port.tables.get(table)?.routes.has("10.8.0.0/24")).toBe(true);
  });

  it("succeeds when a retried create finds its own route already there", async () => {
    const { provider, port } = createFakeWorld();
    port.putRoute(table, "10.8.0.0/24", { networkInterfaceId: world.eniA });
    await provider.applyWrite(write({}));
    expect(methods(port)).toEqual(["createTags", "createRoute", "describeRouteTables"]);
    expect(port.tables.get(table)?.tags.get(tagKey)).toBe("c1/vpn/openvpn");
  });

  it("withdraws its tag and fails for good when a foreign route got there first", async () => {
    const { provider, port } = createFakeWorld();
    port.putRoute(table, "10.8.0.0/24", { otherTargetId: "tgw-0abc" });
    const error = await provider.applyWrite(write({})).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/already exists and points at tgw-0abc.*conflict/);
    expect(methods(port)).toEqual([
      "createTags",
      "createRoute",
      "describeRouteTables",
      "deleteTags",
    ]);
    expect(port.tables.get(table)?.tags.has(tagKey)).toBe(false);
    expect(port.tables.get(table)?.routes.get("10.8.0.0/24")?.otherTargetId).toBe("tgw-0abc");
  });

  it("keeps its tag and a retryable conflict when the clashing route vanished meanwhile", async () => {
    const { provider, port } = createFakeWorld();
    port.failNext(
      "createRoute",
      awsServiceError("RouteAlreadyExists", "The route identified by 10.8.0.0/24 already exists."),
    );
    const error = await provider.applyWrite(write({})).catch((e: unknown) => e);
    expect(isConflict(error)).toBe(true);
    expect(port.tables.get(table)?.tags.get(tagKey)).toBe("c1/vpn/openvpn");
    await provider.applyWrite(write({}));
    expect(port.tables.get(table)?.routes.get("10.8.0.0/24")?.networkInterfaceId).toBe(world.eniA);
  });

  it("writes IPv6 routes and their records like IPv4 ones", async () => {
    const { provider, port } = createFakeWorld();
    await provider.applyWrite(write({ cidr: mustParseCidr("2001:db8:8::/64") }));
    const route = port.tables.get(table)?.routes.get("2001:db8:8::/64");
    expect(route?.destinationIpv6Cidr).toBe("2001:db8:8::/64");
    expect(port.tables.get(table)?.tags.get("vpc-route-sync.io/route/2001:db8:8::/64")).toBe(
      "c1/vpn/openvpn",
    );
  });

  it("writes no route when the table has no room for the ownership tag", async () => {
    const { provider, port } = createFakeWorld();
    for (let i = 0; i < 48; i++) port.tables.get(table)?.tags.set(`k${i}`, "v");
    const error = await provider.applyWrite(write({})).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/TagLimitExceeded.*ownership tag/);
    expect(methods(port)).toEqual(["createTags"]);
  });

  it.each([
    ["another cluster's owner", write({ owner: { clusterId: "c2", service: "vpn/openvpn" } })],
    ["a create without target", write({ target: undefined })],
    ["a target that is no ENI", write({ target: { id: "i-0aaa", nodeName: "node-a" } })],
  ])("refuses %s without calling EC2", async (_label, bad) => {
    const { provider, port } = createFakeWorld();
    expect(isPermanent(await provider.applyWrite(bad).catch((e: unknown) => e))).toBe(true);
    expect(port.calls).toEqual([]);
  });
});
