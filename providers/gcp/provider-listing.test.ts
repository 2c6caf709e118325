import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ProviderFixture,
  routeWrite,
  startProviderFixture,
  targetA,
  targetB,
} from "../../test/fakes/gcp/provider-fixture.js";
import { listingMaxAgeMs } from "./recent-listing.js";

const cidr = "10.8.0.0/24";
let f: ProviderFixture;

beforeEach(async () => {
  f = await startProviderFixture();
  await f.provider.applyWrite(routeWrite("create", cidr, targetA));
});
afterEach(async () => {
  await f.close();
});

const routesFor = (range: string) => f.fake.control.routes().filter((r) => r.destRange === range);
const lists = () => f.fake.control.calls.count("routes.list");

describe("GCP writes on the pass's own listing", () => {
  it("moves a route right after listing the network without listing the CIDR again", async () => {
    await f.provider.listTables();
    f.fake.control.calls.reset();
    await f.provider.applyWrite(routeWrite("replace", cidr, targetB));
    expect(lists()).toBe(0);
    expect(routesFor(cidr).map((r) => String(r.nextHopInstance).split("/").pop())).toEqual([
      "node-b",
    ]);
  });

  it("lists the CIDR again for a second write of it, since the first changed its routes", async () => {
    await f.provider.listTables();
    await f.provider.applyWrite(routeWrite("replace", cidr, targetB));
    f.fake.control.calls.reset();
    await f.provider.applyWrite(routeWrite("replace", cidr, targetA));
    expect(lists()).toBe(1);
    expect(routesFor(cidr).map((r) => String(r.nextHopInstance).split("/").pop())).toEqual([
      "node-a",
    ]);
  });

  it("lists the CIDR again once the listing is older than a few seconds", async () => {
    await f.provider.listTables();
    f.clock.advance(listingMaxAgeMs + 1);
    f.fake.control.calls.reset();
    await f.provider.applyWrite(routeWrite("replace", cidr, targetB));
    expect(lists()).toBe(1);
  });

  it("leaves alone a foreign route that appeared after the listing, as it would one after a fresh list", async () => {
    await f.provider.listTables();
    f.fake.control.seedRoute({
      name: "hand-made",
      network: "vpc",
      destRange: cidr,
      nextHopIp: "10.0.0.50",
      priority: 500,
    });
    await f.provider.applyWrite(routeWrite("replace", cidr, targetB));
    expect(routesFor(cidr).map((r) => r.name)).toContain("hand-made");
    const [table] = await f.provider.listTables();
    expect(table?.routes.find((r) => r.cidr === cidr)?.owner).toBeUndefined();
  });

  it("still refuses a write when the listing shows someone else's route for the CIDR", async () => {
    f.fake.control.seedRoute({
      name: "hand-made",
      network: "vpc",
      destRange: "10.9.0.0/24",
      nextHopIp: "10.0.0.50",
    });
    await f.provider.listTables();
    f.fake.control.calls.reset();
    await expect(
      f.provider.applyWrite(routeWrite("create", "10.9.0.0/24", targetA)),
    ).rejects.toThrow(/does not own/);
    expect(f.fake.control.calls.count("routes.insert")).toBe(0);
    expect(lists()).toBe(0);
  });
});
