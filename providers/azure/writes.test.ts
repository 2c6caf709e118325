import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.js";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { ConflictError, PermanentError, ThrottledError, TransientError } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import type { RouteWrite } from "../types.js";
import type { AzurePort, AzureRoute, AzureRouteTable } from "./port.js";
import { idKey, parseRouteTableId, type ResourceRef } from "./resource-id.js";
import type { CallRunner } from "./targets.js";
import { RouteWriter } from "./writes.js";

const tableA = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/a";
const tableB = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/b";

/** An in-memory port that counts how many writes run at once per table. */
class MemoryPort implements AzurePort {
  readonly tables = new Map<
    string,
    { tags: Record<string, string>; routes: Map<string, AzureRoute> }
  >();
  readonly active = new Map<string, number>();
  maxActive = 0;
  maxActivePerTable = 0;
  puts = 0;
  readonly tagPatches: [string, Readonly<Record<string, string>>][] = [];

  constructor() {
    for (const id of [tableA, tableB])
      this.tables.set(parseRouteTableId(id)?.name ?? "", { tags: {}, routes: new Map() });
  }
  private table(ref: ResourceRef) {
    const table = this.tables.get(ref.name);
    if (!table) throw new Error(`no table ${ref.name}`);
    return table;
  }
  private async busy(ref: ResourceRef, work: () => void): Promise<void> {
    const now = (this.active.get(ref.name) ?? 0) + 1;
    this.active.set(ref.name, now);
    this.maxActivePerTable = Math.max(this.maxActivePerTable, now);
    this.maxActive = Math.max(
      this.maxActive,
      [...this.active.values()].reduce((a, b) => a + b, 0),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    work();
    this.active.set(ref.name, now - 1);
  }
  async getRouteTable(ref: ResourceRef): Promise<AzureRouteTable> {
    const table = this.table(ref);
    return {
      etag: undefined,
      tags: { ...table.tags },
      routes: [...table.routes.values()],
      subnetIds: [],
    };
  }
  async patchRouteTableTags(
    ref: ResourceRef,
    operation: "Merge" | "Delete",
    tags: Readonly<Record<string, string>>,
  ): Promise<void> {
    this.tagPatches.push([operation, tags]);
    await this.busy(ref, () => {
      const table = this.table(ref);
      for (const [name, value] of Object.entries(tags)) {
        if (operation === "Merge") table.tags[name] = value;
        else if (table.tags[name] === value) delete table.tags[name];
      }
    });
  }
  async putRoute(
    ref: ResourceRef,
    name: string,
    route: { addressPrefix: string; nextHopIpAddress: string },
  ): Promise<AzureRoute> {
    this.puts++;
    const stored = {
      name,
      ...route,
      nextHopType: "VirtualAppliance",
      provisioningState: "Succeeded",
    };
    await this.busy(ref, () => this.table(ref).routes.set(name, stored));
    return stored;
  }
  async deleteRoute(ref: ResourceRef, name: string): Promise<void> {
    await this.busy(ref, () => this.table(ref).routes.delete(name));
  }
  getNetworkInterface(): never {
    throw new Error("not used");
  }
  listScaleSetInstanceNetworkInterfaces(): never {
    throw new Error("not used");
  }
  getVirtualMachineNicIds(): never {
    throw new Error("not used");
  }
  getVirtualNetworkPrefixes(): never {
    throw new Error("not used");
  }
}

const clock: Clock & { sleeps: number[] } = {
  sleeps: [],
  monotonicMs: () => 0,
  wallNow: () => new Date(0),
  sleep: async (ms) => {
    clock.sleeps.push(ms);
  },
};

function writerFor(port: AzurePort, call: CallRunner = (_op, _res, fn) => fn()): RouteWriter {
  const tables = new Map(
    [tableA, tableB].flatMap((id) => {
      const ref = parseRouteTableId(id);
      return ref ? [[idKey(id), ref] as const] : [];
    }),
  );
  return new RouteWriter({
    port,
    call,
    clusterId: "c1",
    tables,
    logger: silentLogger(),
  });
}

function create(cidr: string, table = tableA, service = "vpn/openvpn"): RouteWrite {
  const target = { id: "10.0.0.4", nodeName: "n" };
  const owner = { clusterId: "c1", service };
  return {
    kind: "create",
    table,
    cidr: mustParseCidr(cidr),
    target,
    owner,
    adopt: false,
    routeExists: false,
    ownerChanged: true,
  };
}

describe("azure route writer", () => {
  it("runs one write at a time per route table and route tables in parallel", async () => {
    const port = new MemoryPort();
    const writer = writerFor(port);
    const cidrs = ["10.8.0.0/24", "10.8.1.0/24", "10.8.2.0/24"];
    await Promise.all([
      ...cidrs.map((c) => writer.apply(create(c))),
      ...cidrs.map((c) => writer.apply(create(c, tableB))),
    ]);
    expect(port.maxActivePerTable).toBe(1);
    expect(port.maxActive).toBe(2);
    expect(port.tables.get("a")?.routes.size).toBe(3);
  });

  it("keeps running a table's queue after one write fails", async () => {
    const port = new MemoryPort();
    const writer = writerFor(port);
    const bad = { ...create("10.8.0.0/24"), target: { id: "fd00::1", nodeName: "n" } };
    const results = await Promise.allSettled([
      writer.apply(bad),
      writer.apply(create("10.8.1.0/24")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect(results[0]).toMatchObject({ reason: expect.any(PermanentError) });
  });

  it("refuses to record a 51st tag, before touching the route", async () => {
    const port = new MemoryPort();
    const table = port.tables.get("a");
    if (table)
      table.tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, "v"]));
    await expect(writerFor(port).apply(create("10.8.0.0/24"))).rejects.toThrow(
      /already has 50 tags/,
    );
    expect(port.puts).toBe(0);
  });

  it("deletes the route but keeps a record that now names another Service", async () => {
    const port = new MemoryPort();
    const writer = writerFor(port);
    await writer.apply(create("10.8.0.0/24", tableA, "vpn/new-owner"));
    await writer.apply({
      ...create("10.8.0.0/24"),
      kind: "delete",
      target: undefined,
      routeExists: true,
    });
    expect(port.tables.get("a")).toEqual({
      tags: { "vrs-c1-10-8-0-0-24": "vpn/new-owner" },
      routes: new Map(),
    });
  });

  it("sends only its own tag key: a Merge to record, a Delete of its name/value pair to release", async () => {
    const port = new MemoryPort();
    const table = port.tables.get("a");
    if (table) table.tags = { "vrs-c2-10-9-0-0-24": "other/svc", env: "prod" };
    const writer = writerFor(port);
    await writer.apply(create("10.8.0.0/24"));
    await writer.apply({ ...create("10.8.0.0/24"), kind: "delete", routeExists: true });
    expect(port.tagPatches).toEqual([
      ["Merge", { "vrs-c1-10-8-0-0-24": "vpn/openvpn" }],
      ["Delete", { "vrs-c1-10-8-0-0-24": "vpn/openvpn" }],
    ]);
    expect(port.tables.get("a")?.tags).toEqual({ "vrs-c2-10-9-0-0-24": "other/svc", env: "prod" });
  });

  it("does not sleep on a Retry-After longer than it may hold the table; the caller retries", async () => {
    clock.sleeps.length = 0;
    const throttled = new ThrottledError("slow down", { retryAfterMs: 120_000 });
    const call: CallRunner = async () => {
      throw throttled;
    };
    await expect(writerFor(new MemoryPort(), call).apply(create("10.8.0.0/24"))).rejects.toBe(
      throttled,
    );
    expect(clock.sleeps).toEqual([]);
  });

  it.each([
    ["provisioningState Failed", { provisioningState: "Failed" }],
    ["another next hop", { nextHopIpAddress: "10.0.0.99" }],
  ])("does not trust a PUT whose returned route has %s: a retryable error", async (_, returned) => {
    const port = new MemoryPort();
    const put = port.putRoute.bind(port);
    port.putRoute = async (ref, name, route) => ({ ...(await put(ref, name, route)), ...returned });
    const error = await writerFor(port)
      .apply(create("10.8.0.0/24"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toMatch(/not Succeeded with 10\.0\.0\.4; it will be written again/);
  });

  describe("a PUT whose answer was lost (ARM may have run it)", () => {
    /** A port whose first PUT takes `effect` on the table, then fails as a lost answer would. */
    function losingFirstAnswer(effect: "applied" | "running" | "none") {
      const port = new MemoryPort();
      const put = port.putRoute.bind(port);
      let lost = false;
      port.putRoute = async (ref, name, route) => {
        if (lost) return put(ref, name, route);
        lost = true;
        if (effect === "none") port.puts++;
        else {
          const written = await put(ref, name, route);
          if (effect === "running")
            port.tables
              .get(ref.name)
              ?.routes.set(name, { ...written, provisioningState: "Updating" });
        }
        throw new TransientError("socket hang up");
      };
      return port;
    }
    /** A writer whose first write of `first` failed with its answer lost. */
    async function afterLostAnswer(effect: "applied" | "running" | "none", first: RouteWrite) {
      const port = losingFirstAnswer(effect);
      const writer = writerFor(port);
      await expect(writer.apply(first)).rejects.toBeInstanceOf(TransientError);
      return { port, writer };
    }
    const replace = (cidr: string): RouteWrite => ({
      ...create(cidr),
      kind: "replace",
      routeExists: true,
      ownerChanged: false,
    });

    it("reads the table before writing again and starts no second operation when the first took effect", async () => {
      const { port, writer } = await afterLostAnswer("applied", replace("10.8.0.0/24"));
      await writer.apply(replace("10.8.0.0/24"));
      expect(port.puts).toBe(1);
      // Known again: the next write of the route is an ordinary PUT.
      await writer.apply(replace("10.8.0.0/24"));
      expect(port.puts).toBe(2);
    });

    it("waits for it while its operation still runs (a retryable conflict), without another PUT", async () => {
      const { port, writer } = await afterLostAnswer("running", replace("10.8.0.0/24"));
      const waiting = await writer.apply(replace("10.8.0.0/24")).catch((e: unknown) => e);
      expect(waiting).toBeInstanceOf(ConflictError);
      expect(String(waiting)).toMatch(/still running \(provisioningState Updating\)/);
      const route = port.tables.get("a")?.routes.get("vrs-c1-10-8-0-0-24");
      if (route)
        port.tables.get("a")?.routes.set(route.name, { ...route, provisioningState: "Succeeded" });
      await writer.apply(replace("10.8.0.0/24"));
      expect(port.puts).toBe(1);
    });

    it("writes again when the first did not take effect", async () => {
      const { port, writer } = await afterLostAnswer("none", create("10.8.0.0/24"));
      await writer.apply(create("10.8.0.0/24"));
      expect(port.puts).toBe(2);
      expect(port.tables.get("a")?.routes.get("vrs-c1-10-8-0-0-24")?.nextHopIpAddress).toBe(
        "10.0.0.4",
      );
    });

    it("still records a new owner when the route itself is already in place", async () => {
      const { port, writer } = await afterLostAnswer("applied", create("10.8.0.0/24"));
      await writer.apply({ ...create("10.8.0.0/24", tableA, "vpn/wireguard"), kind: "replace" });
      expect(port.puts).toBe(1);
      expect(port.tables.get("a")?.tags).toEqual({ "vrs-c1-10-8-0-0-24": "vpn/wireguard" });
    });
  });

  it("refuses route tables it does not manage", async () => {
    const other = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/z";
    await expect(writerFor(new MemoryPort()).apply(create("10.8.0.0/24", other))).rejects.toThrow(
      /not one of the route tables this controller manages/,
    );
  });
});
