/**
 * The behaviours every provider must show, whatever the cloud: listing, create, move, delete,
 * foreign and other-cluster routes, ownership across a restart, throttling retried, the
 * forwarding prerequisite reported, and the network's own ranges. Registered once per provider
 * world, so a provider that drifts from the others fails a named behaviour.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ThrottledError } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import { applyPlan } from "../../src/reconciler/apply.js";
import { WriteRateLimiter } from "../../src/reconciler/rate-limiter.js";
import { VirtualClock } from "../unit/fixtures/clock.js";
import type { ContractWorld, WorldFactory } from "./world.js";
import { allListed, createAction, listedRoutes, routeWrite, writeEverywhere } from "./writes.js";

const cidr = "10.8.0.0/24";
const service = "vpn/openvpn";
const otherOwner = { clusterId: "other-cluster", service: "vpn/wireguard" };

/** Registers the provider contract for the worlds `start` creates, one fresh world per test. */
export function describeProviderContract(name: string, start: WorldFactory): void {
  const behaviour = (title: string, body: () => Promise<void>) => it(title, body);
  describe(`provider contract: ${name}`, () => {
    let world: ContractWorld;
    const owner = () => ({ clusterId: world.clusterId, service });
    const target = (i: 0 | 1 | 2, provider = world.provider) =>
      provider.resolveTarget(world.nodes[i], 4);

    beforeEach(async () => {
      world = await start();
    });
    afterEach(async () => {
      await world.close();
    });

    behaviour("lists the managed tables, with no owned routes at first", async () => {
      const tables = await world.provider.listTables();
      expect(tables.map((t) => t.id).sort()).toEqual([...world.tables].sort());
      const owned = tables.flatMap((t) => t.routes).filter((r) => r.owner !== undefined);
      expect(owned).toEqual([]);
    });

    behaviour(
      "creates a route in every table, listed as ours and pointing at node A's target",
      async () => {
        const a = await target(0);
        await writeEverywhere(world.provider, world.tables, (t) =>
          routeWrite("create", t, cidr, owner(), a),
        );
        for (const route of await listedRoutes(world.provider, world.tables, cidr)) {
          expect(route).toMatchObject({ cidr, targetId: a.id, owner: owner(), exists: true });
        }
      },
    );

    behaviour(
      "moves the route to node B and back, still ours and never without a route where gapless",
      async () => {
        const [a, b] = [await target(0), await target(1)];
        await writeEverywhere(world.provider, world.tables, (t) =>
          routeWrite("create", t, cidr, owner(), a),
        );
        const watch = world.watchRoutes(cidr);
        await writeEverywhere(world.provider, world.tables, (t) =>
          routeWrite("replace", t, cidr, owner(), b),
        );
        for (const route of await listedRoutes(world.provider, world.tables, cidr)) {
          expect(route).toMatchObject({ targetId: b.id, owner: owner(), exists: true });
        }
        await writeEverywhere(world.provider, world.tables, (t) =>
          routeWrite("replace", t, cidr, owner(), a),
        );
        const gaps = watch.stop();
        for (const route of await listedRoutes(world.provider, world.tables, cidr)) {
          expect(route).toMatchObject({ targetId: a.id, owner: owner(), exists: true });
        }
        if (world.provider.capabilities.gaplessReplace) {
          expect(gaps, `${gaps.evidence}: ${gaps.detail}`).toMatchObject({ gapless: true });
        }
      },
    );

    behaviour("deletes the route and leaves no dangling ownership record", async () => {
      const a = await target(0);
      await writeEverywhere(world.provider, world.tables, (t) =>
        routeWrite("create", t, cidr, owner(), a),
      );
      await writeEverywhere(world.provider, world.tables, (t) =>
        routeWrite("delete", t, cidr, owner()),
      );
      expect(await allListed(world.provider, cidr)).toEqual([]);
    });

    behaviour("creates the route again after deleting it, as when a Service returns", async () => {
      const a = await target(0);
      for (const kind of ["create", "delete", "create"] as const) {
        await writeEverywhere(world.provider, world.tables, (t) =>
          routeWrite(kind, t, cidr, owner(), a),
        );
      }
      for (const route of await listedRoutes(world.provider, world.tables, cidr)) {
        expect(route).toMatchObject({ targetId: a.id, owner: owner(), exists: true });
      }
    });

    behaviour(
      "lists a foreign route without owner and another cluster's route as theirs, and leaves both alone",
      async () => {
        const table = world.tables[0] ?? "";
        const c = await target(2);
        await world.putForeignRoute(table, "10.50.0.0/24", world.nodes[2]);
        await world.putOtherClusterRoute(table, "10.60.0.0/24", world.nodes[2], otherOwner);
        const before = [...(await allListed(world.provider, "10.50.0.0/24"))];
        before.push(...(await allListed(world.provider, "10.60.0.0/24")));
        expect(before).toMatchObject([
          { table, targetId: c.id, owner: undefined, exists: true },
          { table, targetId: c.id, owner: otherOwner, exists: true },
        ]);
        const a = await target(0);
        await world.provider.applyWrite(routeWrite("create", table, cidr, owner(), a));
        await world.provider.applyWrite(routeWrite("delete", table, cidr, owner()));
        const after = [...(await allListed(world.provider, "10.50.0.0/24"))];
        after.push(...(await allListed(world.provider, "10.60.0.0/24")));
        expect(after).toEqual(before);
      },
    );

    behaviour(
      "keeps ownership across a restart: a new instance lists the route as ours, moves and deletes it",
      async () => {
        const a = await target(0);
        await writeEverywhere(world.provider, world.tables, (t) =>
          routeWrite("create", t, cidr, owner(), a),
        );
        const restarted = world.restart();
        for (const route of await listedRoutes(restarted, world.tables, cidr)) {
          expect(route).toMatchObject({ targetId: a.id, owner: owner(), exists: true });
        }
        const b = await target(1, restarted);
        await writeEverywhere(restarted, world.tables, (t) =>
          routeWrite("replace", t, cidr, owner(), b),
        );
        for (const route of await listedRoutes(world.provider, world.tables, cidr)) {
          expect(route).toMatchObject({ targetId: b.id, owner: owner(), exists: true });
        }
        await writeEverywhere(restarted, world.tables, (t) =>
          routeWrite("delete", t, cidr, owner()),
        );
        expect(await allListed(world.provider, cidr)).toEqual([]);
      },
    );

    behaviour("retries a throttled write until it is applied", async () => {
      const table = world.tables[0] ?? "";
      const a = await target(0);
      const clock = new VirtualClock();
      const surfaced: unknown[] = [];
      world.injectThrottle();
      const results = await applyPlan([createAction(table, cidr, owner(), a)], {
        applyWrite: (write) =>
          world.provider.applyWrite(write).catch((error: unknown) => {
            surfaced.push(error);
            throw error;
          }),
        assertMayWrite: () => {},
        limiter: new WriteRateLimiter(100, clock),
        clock,
        logger: silentLogger(),
        retries: 3,
        minRetryDelayMs: 1,
        maxRetryDelayMs: 10,
      });
      expect(results.map((r) => [r.outcome, r.error])).toEqual([["applied", undefined]]);
      expect(world.throttledAnswers()).toBe(1);
      // Every provider throws the throttle to the applier, the one retry layer.
      expect(surfaced).toHaveLength(1);
      expect(surfaced[0]).toBeInstanceOf(ThrottledError);
      expect(results[0]?.attempts).toBe(2);
      const [route] = await listedRoutes(world.provider, [table], cidr);
      expect(route).toMatchObject({ targetId: a.id, owner: owner(), exists: true });
    });

    behaviour(
      "reports whether each node's interface forwards, naming the node and the interface",
      async () => {
        const [nodeA, nodeB] = world.nodes;
        await world.setForwarding(nodeA, false);
        await world.setForwarding(nodeB, true);
        const fresh = world.restart();
        const off = await fresh.resolveTarget(nodeA, 4);
        expect(fresh.capabilities.forwardingCheck).toBe(true);
        expect(off.forwarding.state).toBe("disabled");
        const message = off.forwarding.state === "disabled" ? off.forwarding.message : "";
        expect(message).toContain(nodeA.name);
        expect(message).toContain(world.interfaceName(nodeA));
        expect((await fresh.resolveTarget(nodeB, 4)).forwarding).toEqual({ state: "enabled" });
      },
    );

    behaviour("reports the network's own ranges", async () => {
      const cidrs = (await world.provider.networkCidrs()).map((c) => c.text);
      expect(cidrs.sort()).toEqual([...world.networkCidrs].sort());
    });
  });
}
