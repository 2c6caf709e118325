import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Cidr, mustParseCidr } from "../../src/domain/cidr.js";
import { ConflictError, isRetryable, ThrottledError } from "../../src/errors.js";
import type { FakeAzure } from "../../test/fakes/azure/fake-azure.js";
import {
  ids,
  providerFor,
  seedScenario,
  startScenario,
  routeWrite as write,
} from "../../test/fakes/azure/provider-harness.js";
import type { Provider, RouteWrite } from "../types.js";
import { unknownService } from "./observe.js";

const v4 = mustParseCidr("10.8.0.0/24");
const clusters = [
  { clusterId: "c1", cidr: mustParseCidr("10.8.0.0/24"), tag: "vrs-c1-10-8-0-0-24" },
  { clusterId: "c2", cidr: mustParseCidr("10.9.0.0/24"), tag: "vrs-c2-10-9-0-0-24" },
];

let fake: FakeAzure;
beforeAll(async () => {
  fake = await startScenario();
});
afterAll(() => fake.close());
beforeEach(() => {
  seedScenario(fake);
  Object.assign(fake.settings, { operationDurationMs: 20, honourIfMatch: false });
  fake.settings.busyTable = "conflict";
  fake.clearFaults();
  fake.resetCalls();
});

function writeFor(clusterId: string, cidr: Cidr, kind: RouteWrite["kind"] = "create"): RouteWrite {
  return { ...write(kind, cidr, "10.0.0.4"), owner: { clusterId, service: "vpn/openvpn" } };
}

function providerOf(clusterId: string): Provider {
  return providerFor(fake, { clusterId, routeTableIds: [ids.tableA] }).provider;
}

/**
 * Retries like the applier does (src/reconciler/apply.ts) but in real time, because the
 * provider's own sleeps run on a manual clock here; returns the errors it retried.
 */
async function likeTheApplier(attempt: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    try {
      await attempt();
      return seen;
    } catch (error) {
      if (!isRetryable(error)) throw error;
      seen.push(error);
      await new Promise((r) => setTimeout(r, 15));
    }
  }
  throw new Error(`still failing after 30 attempts: ${String(seen.at(-1))}`);
}

/** One pass of what the planner does for a route whose record was lost: rewrite it. */
async function repairPass(provider: Provider, clusterId: string, cidr: Cidr): Promise<void> {
  const [table] = await provider.listTables();
  const mine = table?.routes.find((r) => r.cidr === cidr.text);
  expect(mine?.owner?.clusterId).toBe(clusterId);
  if (mine?.owner?.service === unknownService) {
    await provider.applyWrite({ ...writeFor(clusterId, cidr, "replace"), ownerChanged: true });
  }
}

describe("azure ownership records with two clusters writing one route table at once", () => {
  it.each([
    [true, "honours"],
    [false, "ignores"],
  ])(
    "with honourIfMatch %s (ARM %s If-Match), concurrent tag merges lose no record",
    async (honour) => {
      fake.settings.honourIfMatch = honour;
      // The first tag PATCH to arrive is held 300 ms, so the other cluster reads, patches and
      // finishes in between. A Merge sends only its own key, so the held one cannot drop the
      // other's record (the old whole-set PATCH did when If-Match was ignored).
      fake.injectFault({ operation: "tags.updateAtScope", effect: { delayMs: 300 } });
      const [a, b] = clusters.map((c) => ({ ...c, provider: providerOf(c.clusterId) }));
      if (!a || !b) throw new Error("two clusters");
      // Each retried as the applier does (the provider makes one attempt per step).
      const first = likeTheApplier(() => a.provider.applyWrite(writeFor(a.clusterId, a.cidr)));
      while (fake.calls("routeTables.get") === 0) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, 30));
      await likeTheApplier(() => b.provider.applyWrite(writeFor(b.clusterId, b.cidr)));
      await first;
      const tags = fake.routeTable(ids.tableA)?.tags ?? {};
      const lost = clusters.filter((c) => !(c.tag in tags));
      expect(lost).toHaveLength(0);
      for (const c of [a, b]) await repairPass(c.provider, c.clusterId, c.cidr);
      expect(fake.routeTable(ids.tableA)?.tags).toMatchObject({
        "vrs-c1-10-8-0-0-24": "vpn/openvpn",
        "vrs-c2-10-9-0-0-24": "vpn/openvpn",
      });
      expect(
        fake
          .routeTable(ids.tableA)
          ?.routes.map((r) => r.name)
          .sort(),
      ).toEqual(["vrs-c1-10-8-0-0-24", "vrs-c2-10-9-0-0-24"]);
    },
  );

  it.each([
    ["conflict", ConflictError],
    ["throttle", ThrottledError],
  ] as const)(
    "lands both clusters' routes when ARM refuses a busy table as %s, classified as contention",
    async (mode, kind) => {
      fake.settings.busyTable = mode;
      fake.settings.operationDurationMs = 40;
      const retried = await Promise.all(
        clusters.map((c) => {
          const provider = providerOf(c.clusterId);
          return likeTheApplier(() => provider.applyWrite(writeFor(c.clusterId, c.cidr)));
        }),
      );
      expect(retried.flat().length).toBeGreaterThan(0);
      // Contention only: the busy table's answers (a ${kind.name} in this mode) and our own
      // read-back noticing the other cluster's tag PATCH (a ConflictError); both are retryable,
      // and retrying as the applier does lands both routes.
      for (const error of retried.flat())
        expect(error instanceof kind || error instanceof ConflictError).toBe(true);
      const table = fake.routeTable(ids.tableA);
      expect(table?.routes.map((r) => r.provisioningState)).toEqual(["Succeeded", "Succeeded"]);
      expect(Object.keys(table?.tags ?? {})).toEqual(
        expect.arrayContaining(clusters.map((c) => c.tag)),
      );
    },
  );
});

describe("azure writes whose long-running operation does not succeed", () => {
  it.each([
    ["Failed", { code: "InternalServerError", message: "An error occurred." }],
    ["Canceled", { code: "Canceled", message: "Canceled.", status: "Canceled" as const }],
  ])(
    "treats a PUT whose operation ends %s as not in place: a retryable error, no target listed, then rewritten",
    async (state, failure) => {
      const { provider } = providerFor(fake);
      await provider.applyWrite(write("create", v4, "10.0.0.4"));
      fake.injectFault({ operation: "routes.createOrUpdate", effect: { asyncFailure: failure } });
      const error = await provider.applyWrite(write("replace", v4, "10.0.0.5")).catch((e) => e);
      expect(isRetryable(error)).toBe(true);
      expect(fake.routeTable(ids.tableA)?.routes[0]?.provisioningState).toBe(state);
      const [listed] = await provider.listTables();
      expect(listed?.routes[0]).toMatchObject({ cidr: v4.text, targetId: undefined, exists: true });
      await provider.applyWrite(write("replace", v4, "10.0.0.5"));
      expect(fake.routeTable(ids.tableA)?.routes[0]).toMatchObject({
        nextHopIpAddress: "10.0.0.5",
        provisioningState: "Succeeded",
      });
    },
  );

  it("classifies an operation that fails with AnotherOperationInProgress as contention", async () => {
    const { provider } = providerFor(fake);
    fake.injectFault({
      operation: "routes.createOrUpdate",
      effect: { asyncFailure: { code: "AnotherOperationInProgress", message: "busy" } },
    });
    await expect(provider.applyWrite(write("create", v4, "10.0.0.4"))).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});
