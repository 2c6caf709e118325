import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError } from "../../src/errors.js";
import type { RouteView } from "../../test/fakes/gcp/control.js";
import {
  type ProviderFixture,
  routeWrite,
  startProviderFixture,
  targetA,
  targetB,
} from "../../test/fakes/gcp/provider-fixture.js";
import { selfLink } from "../../test/fakes/gcp/resource-urls.js";
import { ownerDescription, routeName } from "./naming.js";

const cidr = "10.8.0.0/24";
const owner = { clusterId: "prod", service: "vpn/openvpn" };
const vpcUrl = selfLink("projects/test-project/global/networks/vpc");
let f: ProviderFixture;

beforeEach(async () => {
  f = await startProviderFixture();
});
afterEach(async () => {
  await f.close();
});

const routesFor = (range: string) => f.fake.control.routes().filter((r) => r.destRange === range);

describe("GCP provider routes against the fake Compute API", () => {
  it("creates a route named and described as ours, at the base priority, and lists it as ours", async () => {
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    const [route] = routesFor(cidr);
    expect(route).toMatchObject({
      name: routeName(owner, cidr, targetA.id),
      description: "vpc-route-sync:v1 cluster=prod service=vpn/openvpn cidr=10.8.0.0/24",
      priority: 1000,
      network: vpcUrl,
      nextHopInstance: selfLink(targetA.id),
    });
    expect(route?.name).toMatch(/^vrs-prod-[0-9a-f]{12}$/);
    const [table] = await f.provider.listTables();
    expect(table?.id).toBe("vpc");
    expect(table?.routes).toEqual([
      {
        table: "vpc",
        cidr,
        targetId: targetA.id,
        targetDescription: "instance node-a (europe-west1-b)",
        owner,
        exists: true,
      },
    ]);
  });

  it("lists the whole network with one server-side filtered call and leaves other networks out", async () => {
    f.fake.control.seedRoute({
      name: "elsewhere",
      network: "other",
      destRange: "10.60.0.0/24",
      nextHopIp: "10.0.0.9",
    });
    f.fake.control.calls.reset();
    const [table] = await f.provider.listTables();
    expect(f.fake.control.calls.counts()).toEqual({ "routes.list": 1 });
    expect(table?.routes.map((r) => r.cidr)).not.toContain("10.60.0.0/24");
  });

  it("follows nextPageToken when the network has more routes than one page", async () => {
    for (let i = 0; i < 501; i++) {
      f.fake.control.seedRoute({
        name: `bulk-${i}`,
        network: "vpc",
        destRange: `10.${100 + Math.floor(i / 256)}.${i % 256}.0/24`,
        nextHopIp: "10.0.0.9",
      });
    }
    f.fake.control.calls.reset();
    const [table] = await f.provider.listTables();
    expect(table?.routes).toHaveLength(501);
    expect(f.fake.control.calls.count("routes.list")).toBe(2);
  });

  it("re-creates a route again and again within the hour, walking past every earlier operation its requestIds replay", async () => {
    for (let round = 1; round <= 4; round++) {
      await f.provider.applyWrite(routeWrite("create", cidr, targetA));
      expect(routesFor(cidr), `creation ${round}`).toHaveLength(1);
      await f.provider.applyWrite(routeWrite("delete", cidr, targetA));
      expect(routesFor(cidr), `deletion ${round}`).toHaveLength(0);
    }
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    expect(routesFor(cidr).map((r) => r.nextHopInstance)).toEqual([selfLink(targetA.id)]);
  });

  it("is idempotent: creating the same route again makes no write", async () => {
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    f.fake.control.calls.reset();
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    expect(f.fake.control.calls.counts()).toEqual({ "routes.list": 1 });
  });

  it("moves a route make-before-break: the CIDR is never without a route, and priorities alternate", async () => {
    const states: RouteView[][] = [];
    f.fake.control.onRoutesChanged((routes) =>
      states.push(routes.filter((r) => r.destRange === cidr)),
    );
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    await f.provider.applyWrite(routeWrite("replace", cidr, targetB));
    await f.provider.applyWrite(routeWrite("replace", cidr, targetA));
    await f.provider.applyWrite(routeWrite("replace", cidr, targetB));
    const summary = states.map((s) =>
      s.map((r) => `${String(r.nextHopInstance).split("/").pop()}@${r.priority}`).sort(),
    );
    expect(summary).toEqual([
      ["node-a@1000"],
      ["node-a@1000", "node-b@999"],
      ["node-b@999"],
      ["node-a@1000", "node-b@999"],
      ["node-a@1000"],
      ["node-a@1000", "node-b@999"],
      ["node-b@999"],
    ]);
    expect(states.every((s) => s.length > 0)).toBe(true);
    const writes = f.fake.control.calls
      .all()
      .filter((c) => c.operation === "routes.insert" || c.operation === "routes.delete");
    expect(writes.map((c) => c.operation)).toEqual([
      "routes.insert",
      "routes.insert",
      "routes.delete",
      "routes.insert",
      "routes.delete",
      "routes.insert",
      "routes.delete",
    ]);
  });

  it("makes a new route when only the owning Service changes, since descriptions are immutable", async () => {
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    const other = { clusterId: "prod", service: "vpn/wireguard" };
    await f.provider.applyWrite(routeWrite("replace", cidr, targetA, { owner: other }));
    expect(routesFor(cidr)).toEqual([
      expect.objectContaining({
        name: routeName(other, cidr, targetA.id),
        description: ownerDescription(other, cidr),
        priority: 999,
      }),
    ]);
  });

  it("deletes our route and treats an already deleted route as done", async () => {
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    await f.provider.applyWrite(routeWrite("delete", cidr, undefined));
    expect(routesFor(cidr)).toEqual([]);
    await expect(
      f.provider.applyWrite(routeWrite("delete", cidr, undefined)),
    ).resolves.toBeUndefined();
  });

  it("never touches a foreign route for the CIDR, and reports it without an owner", async () => {
    f.fake.control.seedRoute({
      name: "hand-made",
      network: "vpc",
      destRange: cidr,
      nextHopIp: "10.0.0.50",
      priority: 500,
    });
    const [table] = await f.provider.listTables();
    expect(table?.routes).toEqual([
      {
        table: "vpc",
        cidr,
        targetId: undefined,
        targetDescription: "IP 10.0.0.50",
        owner: undefined,
        exists: true,
      },
    ]);
    await expect(f.provider.applyWrite(routeWrite("create", cidr, targetA))).rejects.toThrow(
      ConflictError,
    );
    await f.provider.applyWrite(routeWrite("delete", cidr, undefined));
    expect(routesFor(cidr).map((r) => r.name)).toEqual(["hand-made"]);
    expect(
      f.fake.control.calls.count("routes.insert") + f.fake.control.calls.count("routes.delete"),
    ).toBe(0);
  });

  it("reports another cluster's route as theirs and never writes over it, even when adopting", async () => {
    const theirs = { clusterId: "staging", service: "vpn/openvpn" };
    f.fake.control.seedRoute({
      name: routeName(theirs, cidr, targetB.id),
      network: "vpc",
      destRange: cidr,
      nextHopInstance: targetB.id,
      description: ownerDescription(theirs, cidr),
    });
    const [table] = await f.provider.listTables();
    expect(table?.routes[0]?.owner).toEqual(theirs);
    await expect(
      f.provider.applyWrite(routeWrite("replace", cidr, targetA, { adopt: true })),
    ).rejects.toThrow(/does not own/);
    expect(routesFor(cidr)).toHaveLength(1);
  });

  it("adopts an unowned route when the write says so: ours first, then the old one goes", async () => {
    f.fake.control.seedRoute({
      name: "legacy-vpn",
      network: "vpc",
      destRange: cidr,
      nextHopIp: "10.0.0.50",
    });
    const states: string[][] = [];
    f.fake.control.onRoutesChanged((routes) =>
      states.push(routes.filter((r) => r.destRange === cidr).map((r) => r.name)),
    );
    await f.provider.applyWrite(routeWrite("replace", cidr, targetA, { adopt: true }));
    const ours = routeName(owner, cidr, targetA.id);
    expect(states).toEqual([["legacy-vpn", ours].sort(), [ours]]);
    expect(routesFor(cidr)[0]?.priority).toBe(999);
  });

  it("reports one route per CIDR, counting the leftovers an interrupted move left, and the next write removes them", async () => {
    await f.provider.applyWrite(routeWrite("create", cidr, targetA));
    f.fake.control.seedRoute({
      name: routeName(owner, cidr, targetB.id),
      network: "vpc",
      destRange: cidr,
      nextHopInstance: targetB.id,
      priority: 999,
      description: ownerDescription(owner, cidr),
    });
    const [table] = await f.provider.listTables();
    expect(table?.routes).toHaveLength(1);
    expect(table?.routes[0]).toMatchObject({ targetId: targetB.id, leftovers: 1 });
    await f.provider.applyWrite(routeWrite("replace", cidr, targetB));
    const [after] = await f.provider.listTables();
    expect(after?.routes[0]?.leftovers).toBeUndefined();
    expect(routesFor(cidr).map((r) => r.priority)).toEqual([999]);
    expect(f.fake.control.calls.count("routes.insert")).toBe(1);
  });

  it("parses names and descriptions defensively: look-alikes stay foreign", async () => {
    const cases = [
      {
        name: "vrs-prod-000000000000",
        description: "vpc-route-sync:v1 cluster=prod service=vpn/openvpn cidr=10.9.9.0/24",
      },
      { name: "manual-route", description: ownerDescription(owner, cidr) },
      {
        name: routeName(owner, cidr, targetA.id),
        description: "vpc-route-sync:v2 cluster=prod service=vpn/openvpn cidr=10.8.0.0/24",
      },
      {
        name: routeName(owner, cidr, targetA.id).replace("vrs-", "vrs-x"),
        description: ownerDescription(owner, cidr),
      },
    ];
    for (const [i, c] of cases.entries()) {
      f.fake.control.seedRoute({
        ...c,
        name: `${c.name}${i}`.slice(0, 63),
        network: "vpc",
        destRange: cidr,
        nextHopIp: "10.0.0.60",
      });
    }
    const [table] = await f.provider.listTables();
    expect(table?.routes.map((r) => r.owner)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("routes an IPv6 CIDR to a dual-stack instance", async () => {
    await f.provider.applyWrite(routeWrite("create", "fd99:1::/64", targetB));
    const [table] = await f.provider.listTables();
    expect(table?.routes).toEqual([
      expect.objectContaining({ cidr: "fd99:1::/64", targetId: targetB.id, owner }),
    ]);
  });
});

describe("GCP provider on a Shared VPC", () => {
  it("writes routes into the host project's network and targets a service-project instance", async () => {
    const shared = await startProviderFixture({
      network: "projects/host-project/global/networks/shared",
    });
    try {
      shared.fake.control.seedNetwork({ name: "shared", project: "host-project" });
      shared.fake.control.seedInstance({
        name: "svc-node",
        zone: "europe-west1-b",
        network: "projects/host-project/global/networks/shared",
        networkIP: "10.200.0.2",
      });
      const node = {
        name: "svc-node",
        providerId: "gce://test-project/europe-west1-b/svc-node",
        internalIps: [],
      };
      const target = await shared.provider.resolveTarget(node, 4);
      await shared.provider.applyWrite({ ...routeWrite("create", cidr, target), table: "shared" });
      const [route] = shared.fake.control.routes().filter((r) => r.destRange === cidr);
      expect(route?.selfLink).toBe(selfLink(`projects/host-project/global/routes/${route?.name}`));
      expect(route?.network).toBe(selfLink("projects/host-project/global/networks/shared"));
      const [table] = await shared.provider.listTables();
      expect(table).toMatchObject({ id: "shared", routes: [{ targetId: target.id, owner }] });
    } finally {
      await shared.close();
    }
  });
});
