import type { ServerResponse } from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeKubeApi,
  reply,
  type SeenRequest,
  startFakeKubeApi,
  status,
} from "../../test/unit/fixtures/fake-kube-api.js";
import { ConflictError, PermanentError, TransientError } from "../errors.js";
import { kubeLeaseStore } from "./lease-store.js";

const leasePath = "/apis/coordination.k8s.io/v1/namespaces/vrs/leases/leader";
let fake: FakeKubeApi | undefined;

async function fakeApiServer(
  handler: (req: SeenRequest, body: string, res: ServerResponse) => void,
): Promise<KubeConfig> {
  fake = await startFakeKubeApi((req, res) => handler(req, req.body, res));
  return fake.kubeConfig;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("kubeLeaseStore", () => {
  it("reads a missing Lease as undefined", async () => {
    const kc = await fakeApiServer((_req, _body, res) =>
      reply(res, 404, status(404, "NotFound", 'leases.coordination.k8s.io "leader" not found')),
    );
    await expect(kubeLeaseStore(kc, "vrs", "leader").get()).resolves.toBeUndefined();
  });

  it("parses MicroTime strings and sends them back with six fractional digits", async () => {
    const sent: string[] = [];
    const lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name: "leader",
        namespace: "vrs",
        resourceVersion: "42",
        labels: { team: "net" },
      },
      spec: {
        holderIdentity: "pod-a",
        leaseDurationSeconds: 15,
        acquireTime: "2030-01-01T00:00:00.123456Z",
        renewTime: "2030-01-01T00:00:05.000000Z",
        leaseTransitions: 2,
      },
    };
    const kc = await fakeApiServer((req, body, res) => {
      if (req.method === "PUT") sent.push(body);
      reply(
        res,
        200,
        req.method === "PUT" ? { ...JSON.parse(body), metadata: lease.metadata } : lease,
      );
    });
    const store = kubeLeaseStore(kc, "vrs", "leader");
    const record = await store.get();
    expect(record).toEqual({
      holderIdentity: "pod-a",
      leaseDurationSeconds: 15,
      acquireTime: new Date("2030-01-01T00:00:00.123Z"),
      renewTime: new Date("2030-01-01T00:00:05.000Z"),
      leaseTransitions: 2,
      resourceVersion: "42",
    });
    if (record === undefined) throw new Error("unreachable");
    await store.update({ ...record, renewTime: new Date("2030-01-01T00:00:07.250Z") });
    const put = JSON.parse(sent[0] ?? "{}");
    expect(put.spec.renewTime).toBe("2030-01-01T00:00:07.250000Z");
    expect(put.metadata).toMatchObject({ resourceVersion: "42", labels: { team: "net" } });
  });

  it("turns a 409 into a ConflictError carrying the API server's message", async () => {
    const kc = await fakeApiServer((_req, _body, res) =>
      reply(res, 409, status(409, "Conflict", "the object has been modified")),
    );
    const store = kubeLeaseStore(kc, "vrs", "leader");
    const update = store.update({
      holderIdentity: "pod-a",
      leaseDurationSeconds: 15,
      acquireTime: undefined,
      renewTime: undefined,
      leaseTransitions: 0,
      resourceVersion: "1",
    });
    await expect(update).rejects.toThrow(ConflictError);
    await expect(update).rejects.toThrow(
      /updating lease vrs\/leader failed: the object has been modified/,
    );
  });

  it("names the missing RBAC permission on a 403", async () => {
    const kc = await fakeApiServer((_req, _body, res) =>
      reply(res, 403, status(403, "Forbidden", "cannot get resource leases")),
    );
    const get = kubeLeaseStore(kc, "vrs", "leader").get();
    await expect(get).rejects.toThrow(PermanentError);
    await expect(get).rejects.toThrow(/grant get, create and update on leases.coordination.k8s.io/);
  });

  it("gives up on a hung API server after the request timeout", async () => {
    const kc = await fakeApiServer((req) => {
      expect(req.url.pathname).toBe(leasePath);
    });
    const started = performance.now();
    const get = kubeLeaseStore(kc, "vrs", "leader", { requestTimeoutMs: 200 }).get();
    await expect(get).rejects.toThrow(TransientError);
    await expect(get).rejects.toThrow(/reading lease vrs\/leader timed out after 200 ms/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
