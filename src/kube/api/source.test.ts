import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeKubeApi,
  reply,
  startFakeKubeApi,
} from "../../../test/unit/fixtures/fake-kube-api.js";
import { KubeClient } from "./client.js";
import { kubeClientFor } from "./source.js";

let fake: FakeKubeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("kubeClientFor", () => {
  it("takes a @kubernetes/client-node KubeConfig, as the test fixtures build them, and uses its credentials", async () => {
    fake = await startFakeKubeApi((_req, res) => reply(res, 200, { metadata: { name: "a" } }));
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: "fake", server: fake.access.server, skipTLSVerify: true },
      { name: "robot", token: "fixture-token" },
    );
    const client = kubeClientFor(kc);
    await expect(client.get("/api/v1/nodes/a")).resolves.toEqual({ metadata: { name: "a" } });
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer fixture-token");
    expect(kubeClientFor(kc)).toBe(client);
  });

  it("shares one client per access and passes a client through", async () => {
    fake = await startFakeKubeApi(() => undefined);
    const client = kubeClientFor(fake.access);
    expect(client).toBeInstanceOf(KubeClient);
    expect(kubeClientFor(fake.access)).toBe(client);
    expect(kubeClientFor(client)).toBe(client);
  });
});
