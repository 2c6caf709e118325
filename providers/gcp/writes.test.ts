import { describe, expect, it } from "vitest";
import { mustParseCidr } from "../../src/domain/cidr.js";
import { ConflictError, PermanentError } from "../../src/errors.js";
import { silentLogger } from "../../src/observability/logger.js";
import { ManualClock } from "../../test/fakes/gcp/manual-clock.js";
import type { RouteWrite } from "../types.js";
import { GcpApiError } from "./api-error.js";
import { meterPort } from "./metered-port.js";
import { ownerDescription, routeName } from "./naming.js";
import { toObservedTable } from "./observe.js";
import type { GcpOperation, GcpPort, GcpRoute } from "./port.js";
import { RouteWriter } from "./writes.js";

const cidr = "10.8.0.0/24";
const owner = { clusterId: "prod", service: "vpn/openvpn" };
const target = { id: "projects/p/zones/z/instances/node-a", nodeName: "node-a" };
const url = (path: string) => `https://www.googleapis.com/compute/v1/${path}`;
const ours = (overrides: Partial<GcpRoute> = {}): GcpRoute => ({
  name: routeName(owner, cidr, target.id),
  id: "1",
  network: url("projects/p/global/networks/vpc"),
  destRange: cidr,
  priority: 1000,
  nextHopInstance: url(target.id),
  nextHopIp: undefined,
  otherNextHop: undefined,
  description: ownerDescription(owner, cidr),
  tags: [],
  warnings: [],
  ...overrides,
});
const done = (name: string): GcpOperation => ({
  name,
  status: "DONE",
  operationType: "insert",
  targetLink: "",
  errors: [],
  httpErrorStatusCode: undefined,
});
const write = (extra: Partial<RouteWrite> = {}): RouteWrite => ({
  kind: "create",
  table: "vpc",
  cidr: mustParseCidr(cidr),
  target,
  owner,
  adopt: false,
  routeExists: false,
  ownerChanged: true,
  ...extra,
});

/** A hand-written port (observed, so errors are classified as in production): `listed` is what routes.list shows, insert fails with `insertError`. */
function handPort(listed: GcpRoute[], insertError?: GcpApiError, existing?: GcpRoute) {
  const calls: string[] = [];
  const unused = () => Promise.reject(new Error("not used"));
  const port: GcpPort = {
    listRoutes: async () => {
      calls.push("list");
      return { routes: listed, nextPageToken: undefined };
    },
    insertRoute: async (_p, route) => {
      calls.push(`insert ${route.name}@${route.priority}`);
      if (insertError) throw insertError;
      return done("op-insert");
    },
    deleteRoute: async (_p, name) => {
      calls.push(`delete ${name}`);
      return done("op-delete");
    },
    getRoute: async () => {
      calls.push("get");
      if (!existing) throw new GcpApiError("not found", { httpStatus: 404, reasons: ["notFound"] });
      return existing;
    },
    getOperation: unused,
    waitOperation: unused,
    getInstance: unused,
    getNetwork: unused,
    listSubnetworks: unused,
  };
  const clock = new ManualClock();
  const writer = new RouteWriter({
    port: meterPort(port, clock, undefined),
    clusterId: "prod",
    network: { project: "p", name: "vpc" },
    routePriority: 1000,
    logger: silentLogger(),
    wait: { clock, timeoutMs: 1_000, pollIntervalMs: 100, waitCallMs: 1_000 },
  });
  return { writer, calls };
}

const alreadyExists = new GcpApiError("The resource 'projects/p/global/routes/x' already exists", {
  httpStatus: 409,
  reasons: ["alreadyExists"],
});

describe("the GCP route writer with a hand-written port", () => {
  it("treats alreadyExists as success when the existing route is ours with the same target", async () => {
    const { writer, calls } = handPort([], alreadyExists, ours());
    await expect(writer.apply(write())).resolves.toBeUndefined();
    expect(calls).toEqual(["list", `insert ${ours().name}@1000`, "get"]);
  });

  it.each([
    ["points elsewhere", ours({ nextHopInstance: url("projects/p/zones/z/instances/node-b") })],
    ["is not ours", ours({ description: "hand made" })],
    ["is still being created by someone else", undefined],
  ])("keeps alreadyExists a conflict when the existing route %s", async (_case, existing) => {
    const { writer } = handPort([], alreadyExists, existing);
    await expect(writer.apply(write())).rejects.toThrow(ConflictError);
  });

  it("refuses a route that carries our name but another target", async () => {
    const { writer, calls } = handPort([
      ours({ nextHopInstance: url("projects/p/zones/z/instances/intruder") }),
    ]);
    await expect(writer.apply(write())).rejects.toThrow(/carries our name but not our target/);
    expect(calls).toEqual(["list"]);
  });

  it.each([
    ["another table", { table: "other-vpc" }, /route table other-vpc is not managed here/],
    [
      "another cluster",
      { owner: { clusterId: "staging", service: "vpn/openvpn" } },
      /reached the provider of cluster prod/,
    ],
    ["no target", { target: undefined }, /has no target/],
  ])("refuses a write for %s before any call", async (_case, extra, message) => {
    const { writer } = handPort([]);
    const error = await writer.apply(write(extra)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toMatch(message);
  });

  it("deletes every route of ours for the CIDR, and nothing else", async () => {
    const stale = ours({
      name: routeName(owner, cidr, "projects/p/zones/z/instances/node-b"),
      id: "2",
      priority: 999,
      nextHopInstance: url("projects/p/zones/z/instances/node-b"),
    });
    const foreign = ours({ name: "hand-made", id: "3", description: "" });
    const { writer, calls } = handPort([ours(), stale, foreign]);
    await writer.apply(write({ kind: "delete", target: undefined }));
    expect(calls).toEqual(["list", `delete ${stale.name}`, `delete ${ours().name}`]);
  });
});

describe("observing the network", () => {
  it("lists others' routes first, then only the best of ours per CIDR", () => {
    const a = ours();
    const b = ours({
      name: routeName(owner, cidr, "projects/p/zones/z/instances/node-b"),
      priority: 999,
      nextHopInstance: url("projects/p/zones/z/instances/node-b"),
    });
    const foreign = ours({
      name: "hand-made",
      description: "",
      priority: 2000,
      nextHopInstance: undefined,
      nextHopIp: "10.0.0.5",
    });
    const table = toObservedTable("vpc", [a, b, foreign], "prod");
    expect(table.routes.map((r) => [r.targetDescription, r.owner?.clusterId])).toEqual([
      ["IP 10.0.0.5", undefined],
      ["instance node-b (z)", "prod"],
    ]);
  });
});

describe("listing defensively", () => {
  it("ignores routes of other networks or CIDRs even if the server's filter let them through", async () => {
    const elsewhere = ours({ name: "other-net", network: url("projects/p/global/networks/other") });
    const otherCidr = ours({ name: "other-cidr", destRange: "10.9.0.0/24" });
    const { writer, calls } = handPort([elsewhere, otherCidr]);
    await writer.apply(write({ kind: "delete", target: undefined }));
    expect(calls).toEqual(["list"]);
  });
});
