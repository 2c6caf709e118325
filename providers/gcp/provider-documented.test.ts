import { afterEach, describe, expect, it } from "vitest";
import { PermanentError } from "../../src/errors.js";
import type { FakeBehaviour } from "../../test/fakes/gcp/env.js";
import {
  nodeA,
  type ProviderFixture,
  routeWrite,
  startProviderFixture,
  targetA,
} from "../../test/fakes/gcp/provider-fixture.js";
import { ownerDescription, routeName } from "./naming.js";

// Behaviours Compute documents (system routes, subnet overlap refusal, route warnings, IPv6
// display forms) and the ones it leaves open (URL host, how `=` compares URLs), each way.

const cidr = "10.8.0.0/24";
const owner = { clusterId: "prod", service: "vpn/openvpn" };
let f: ProviderFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function start(behaviour: Partial<FakeBehaviour> = {}): Promise<ProviderFixture> {
  f = await startProviderFixture({ behaviour });
  return f;
}

describe("GCP provider against what Compute documents, and both ways where it is silent", () => {
  it.each([
    ["www.googleapis.com", "exact"],
    ["www.googleapis.com", "path"],
    ["compute.googleapis.com", "exact"],
    ["compute.googleapis.com", "path"],
  ] as const)(
    "sees its own route when listings carry %s URLs and filters compare URLs by %s",
    async (urlHost, urlFieldMatch) => {
      const { provider } = await start({ urlHost, urlFieldMatch });
      await provider.applyWrite(routeWrite("create", cidr, targetA));
      const [table] = await provider.listTables();
      expect(table?.routes).toEqual([expect.objectContaining({ cidr, owner, exists: true })]);
      // A second write for the CIDR lists it again (per CIDR) and finds the route in place.
      await provider.applyWrite(routeWrite("replace", cidr, targetA));
      expect(f?.fake.control.calls.count("routes.insert")).toBe(1);
    },
  );

  it("lists the network's system routes as foreign and never writes them", async () => {
    const fixture = await start({ systemRoutes: true });
    await fixture.provider.applyWrite(routeWrite("create", cidr, targetA));
    const [table] = await fixture.provider.listTables();
    const byCidr = new Map(table?.routes.map((r) => [r.cidr, r]));
    expect([...byCidr.keys()].sort()).toEqual(["0.0.0.0/0", "10.0.0.0/20", "10.4.0.0/14", cidr]);
    expect(byCidr.get("0.0.0.0/0")).toMatchObject({ owner: undefined, targetId: undefined });
    expect(byCidr.get("10.0.0.0/20")).toMatchObject({ owner: undefined, targetId: undefined });
    expect(byCidr.get(cidr)).toMatchObject({ owner, targetId: targetA.id });
    await fixture.provider.applyWrite(routeWrite("delete", cidr));
    expect(fixture.fake.control.calls.count("routes.delete")).toBe(1);
  });

  it("is refused by Compute for a destination inside a subnet range, which networkCidrs already names", async () => {
    const fixture = await start();
    const error = await fixture.provider
      .applyWrite(routeWrite("create", "10.0.1.0/24", targetA))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toMatch(
      /more specific than the range 10\.0\.0\.0\/20 of subnetwork nodes/,
    );
    // The controller refuses such a CIDR before writing: the planner refuses every requested
    // CIDR overlapping the network's own CIDRs, and these include each subnet range.
    const own = (await fixture.provider.networkCidrs()).map((c) => c.text);
    expect(own).toEqual(expect.arrayContaining(["10.0.0.0/20", "10.4.0.0/14"]));
  });

  it.each([
    [
      "NEXT_HOP_NOT_RUNNING",
      (x: ProviderFixture) => x.fake.control.setInstanceStatus(targetA.id, "TERMINATED"),
    ],
    [
      "NEXT_HOP_INSTANCE_NOT_FOUND",
      (x: ProviderFixture) => x.fake.control.removeInstance(targetA.id),
    ],
  ])(
    "reports a route warning %s on its target as not forwarding, with the fix",
    async (code, breakIt) => {
      const fixture = await start();
      await fixture.provider.applyWrite(routeWrite("create", cidr, targetA));
      const healthy = await fixture.provider.resolveTarget(nodeA, 4);
      expect(healthy.forwarding).toEqual({ state: "enabled" });
      breakIt(fixture);
      await fixture.provider.listTables();
      const target = await fixture.provider.resolveTarget(nodeA, 4);
      expect(target.forwarding).toMatchObject({ state: "disabled" });
      expect(target.forwarding.state === "disabled" && target.forwarding.message).toContain(code);
    },
  );

  it("compares IPv6 destination ranges by value, however a listing spells them", async () => {
    const fixture = await start();
    const v6 = "fd00:8::/64";
    fixture.fake.control.seedRoute({
      name: routeName(owner, v6, targetA.id),
      network: "vpc",
      destRange: "FD00:0008:0:0:0:0:0:0/64",
      nextHopInstance: targetA.id,
      description: ownerDescription(owner, v6),
    });
    const [table] = await fixture.provider.listTables();
    expect(table?.routes).toEqual([expect.objectContaining({ cidr: v6, owner })]);
  });
});
