import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "./manual-clock.js";
import { selfLink } from "./resource-urls.js";
import {
  failureOf,
  type SdkClients,
  sdkClients,
  startSeededFake,
  waitUntilDone,
} from "./sdk-harness.js";
import type { FakeCompute } from "./server.js";

const project = "test-project";
const vpc = selfLink(`projects/${project}/global/networks/vpc`);
const nodeA = selfLink(`projects/${project}/zones/europe-west1-b/instances/node-a`);
let fake: FakeCompute;
let sdk: SdkClients;

beforeAll(async () => {
  // Virtual time: operations advance only while someone waits on them, so nothing is racy.
  fake = await startSeededFake({ clock: new ManualClock() });
  sdk = sdkClients(fake);
});
afterAll(async () => {
  await sdk.close();
  await fake.close();
});

async function insert(
  name: string,
  destRange: string,
  extra: Record<string, unknown> = {},
  requestId?: string,
) {
  const [operation] = await sdk.routes.insert({
    project,
    ...(requestId ? { requestId } : {}),
    routeResource: {
      name,
      network: "global/networks/vpc",
      destRange,
      nextHopInstance: "zones/europe-west1-b/instances/node-a",
      ...extra,
    },
  });
  return operation.latestResponse as { name?: string | null; status?: unknown };
}

describe("routes through the real RoutesClient", () => {
  it("inserts a route that appears with canonical URLs once its operation is DONE", async () => {
    const operation = await insert("r-insert", "10.8.0.0/24", {
      priority: 900,
      description: "hello",
    });
    expect(["PENDING", "RUNNING"]).toContain(operation.status);
    await expect(sdk.routes.get({ project, route: "r-insert" })).rejects.toThrow(/was not found/);
    const done = await waitUntilDone(sdk, project, String(operation.name));
    expect(done).toMatchObject({
      kind: "compute#operation",
      operationType: "insert",
      progress: 100,
      targetLink: selfLink(`projects/${project}/global/routes/r-insert`),
    });
    expect(done.error).toBeFalsy();
    const [route] = await sdk.routes.get({ project, route: "r-insert" });
    expect(route).toMatchObject({
      kind: "compute#route",
      name: "r-insert",
      network: vpc,
      destRange: "10.8.0.0/24",
      priority: 900,
      nextHopInstance: nodeA,
      description: "hello",
      selfLink: selfLink(`projects/${project}/global/routes/r-insert`),
    });
    expect(String(route.id)).toBe(String(done.targetId));
    expect(Date.parse(String(route.creationTimestamp))).not.toBeNaN();
  });

  it("lists with a network filter, maxResults and pageToken, in name order", async () => {
    for (const [name, cidr] of [
      ["list-c", "10.9.3.0/24"],
      ["list-a", "10.9.1.0/24"],
      ["list-b", "10.9.2.0/24"],
    ] as const) {
      fake.control.seedRoute({ name, network: "vpc", destRange: cidr, nextHopIp: "10.0.0.9" });
    }
    fake.control.seedRoute({
      name: "list-other",
      network: "other",
      destRange: "10.9.4.0/24",
      nextHopIp: "10.0.0.9",
    });
    const filter = `(network = "${vpc}") (name : "list-")`;
    const [page1, next, raw] = await sdk.routes.list(
      { project, filter, maxResults: 2 },
      { autoPaginate: false },
    );
    expect(page1.map((r) => r.name)).toEqual(["list-a", "list-b"]);
    expect(raw.nextPageToken).toBeTruthy();
    const [page2, last] = await sdk.routes.list({ ...next, project }, { autoPaginate: false });
    expect(page2.map((r) => r.name)).toEqual(["list-c"]);
    expect(last).toBeNull();
    const all: string[] = [];
    for await (const route of sdk.routes.listAsync(
      { project, filter: "name eq list-.*", maxResults: 1 },
      { autoPaginate: false },
    ))
      all.push(String(route.name));
    expect(all).toEqual(["list-a", "list-b", "list-c", "list-other"]);
  });

  it("answers 409 alreadyExists for a duplicate name, also while the first insert runs", async () => {
    await insert("r-dup", "10.10.0.0/24");
    const failure = await failureOf(() => insert("r-dup", "10.10.1.0/24"));
    expect(failure).toMatchObject({ httpStatusCode: 409, code: 6, errorsReason: "alreadyExists" });
    expect(failure.message).toBe(
      `The resource 'projects/${project}/global/routes/r-dup' already exists`,
    );
  });

  it("answers 404 notFound for get and delete of a missing route", async () => {
    for (const call of [
      () => sdk.routes.get({ project, route: "nope" }),
      () => sdk.routes.delete({ project, route: "nope" }),
    ]) {
      expect(await failureOf(call)).toMatchObject({
        httpStatusCode: 404,
        code: 5,
        errorsReason: "notFound",
      });
    }
  });

  it.each([
    ["a name with upper case", { name: "Bad_Name" }, "resource.name"],
    ["a 64-character name", { name: `r${"a".repeat(63)}` }, "resource.name"],
    ["a priority above 65535", { priority: 70000 }, "resource.priority"],
    ["a non-canonical destRange", { destRange: "10.8.0.1/24" }, "resource.destRange"],
    ["two next hops", { nextHopIp: "10.0.0.5" }, "resource.nextHop"],
    ["no next hop", { nextHopInstance: "" }, "resource.nextHop"],
    [
      "a next-hop IP of the wrong family",
      { nextHopInstance: "", nextHopIp: "fd00::1" },
      "resource.nextHopIp",
    ],
  ])("rejects %s with 400 invalid", async (_case, override, field) => {
    const failure = await failureOf(() => insert("r-valid", "10.11.0.0/24", override));
    expect(failure).toMatchObject({ httpStatusCode: 400, code: 3, errorsReason: "invalid" });
    expect(failure.message).toContain(`Invalid value for field '${field}'`);
  });

  it("answers 404 for an insert into a network that does not exist", async () => {
    const failure = await failureOf(() =>
      sdk.routes.insert({
        project,
        routeResource: {
          name: "r-nonet",
          network: "global/networks/missing",
          destRange: "10.12.0.0/24",
          nextHopIp: "10.0.0.5",
        },
      }),
    );
    expect(failure).toMatchObject({ httpStatusCode: 404, errorsReason: "notFound" });
  });

  it("deletes a route when the delete operation is DONE, and refuses a second delete meanwhile", async () => {
    fake.control.seedRoute({
      name: "r-del",
      network: "vpc",
      destRange: "10.13.0.0/24",
      nextHopIp: "10.0.0.9",
    });
    const [operation] = await sdk.routes.delete({ project, route: "r-del" });
    expect(await failureOf(() => sdk.routes.delete({ project, route: "r-del" }))).toMatchObject({
      httpStatusCode: 400,
      errorsReason: "resourceNotReady",
    });
    expect(fake.control.routes().map((r) => r.name)).toContain("r-del");
    await waitUntilDone(sdk, project, String(operation.latestResponse.name));
    expect(fake.control.routes().map((r) => r.name)).not.toContain("r-del");
  });

  it("returns the same operation for a repeated requestId, on insert and on delete", async () => {
    const requestId = "0d2a6d0c-6f0e-4d1e-9a55-3c9f2b8e7a11";
    const first = await insert("r-idem", "10.14.0.0/24", {}, requestId);
    const again = await insert("r-idem-other-name", "10.14.1.0/24", {}, requestId);
    expect(again.name).toBe(first.name);
    await waitUntilDone(sdk, project, String(first.name));
    expect(
      fake.control
        .routes()
        .filter((r) => r.name.startsWith("r-idem"))
        .map((r) => r.name),
    ).toEqual(["r-idem"]);
    const deleteId = "7b0f7c5e-2a4b-4c3d-8e9f-0a1b2c3d4e5f";
    const [del1] = await sdk.routes.delete({ project, route: "r-idem", requestId: deleteId });
    const [del2] = await sdk.routes.delete({ project, route: "r-idem", requestId: deleteId });
    expect(del2.latestResponse.name).toBe(del1.latestResponse.name);
  });

  it("rejects a requestId that is not a UUID", async () => {
    expect(
      await failureOf(() => insert("r-badid", "10.15.0.0/24", {}, "not-a-uuid")),
    ).toMatchObject({ httpStatusCode: 400, errorsReason: "invalid" });
  });

  it.each([
    [
      "a missing next-hop instance",
      "zones/europe-west1-b/instances/ghost",
      "10.16.0.0/24",
      "RESOURCE_NOT_FOUND",
      404,
    ],
    [
      "an IPv6 range via an IPv4-only instance",
      "zones/europe-west1-b/instances/node-a",
      "fd99:1::/64",
      "INVALID_USAGE",
      400,
    ],
  ])(
    "ends the insert operation with an error for %s",
    async (_case, instance, destRange, code, status) => {
      const operation = await insert(`r-op-${status}`, destRange, { nextHopInstance: instance });
      const done = await waitUntilDone(sdk, project, String(operation.name));
      expect(done.error?.errors?.[0]?.code).toBe(code);
      expect(done.httpErrorStatusCode).toBe(status);
      expect(fake.control.routes().map((r) => r.name)).not.toContain(`r-op-${status}`);
    },
  );

  it("accepts an IPv6 range via a dual-stack instance", async () => {
    const operation = await insert("r-v6", "fd99:2::/64", {
      nextHopInstance: "zones/europe-west1-c/instances/node-b",
    });
    const done = await waitUntilDone(sdk, project, String(operation.name));
    expect(done.error).toBeFalsy();
    expect(fake.control.routes().find((r) => r.name === "r-v6")?.destRange).toBe("fd99:2::/64");
  });
});
