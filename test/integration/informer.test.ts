import { CoreV1Api, type V1ConfigMap } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { SupervisedInformer } from "../../src/kube/informer.js";
import { silentLogger } from "../../src/observability/logger.js";
import { type LocalKubeApiServer, startKubeApiServer } from "../harness/kube-apiserver.js";

/** Waits for a condition, failing with its description. */
async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe("SupervisedInformer against a dedicated kube-apiserver", () => {
  let kube: LocalKubeApiServer;
  let core: CoreV1Api;
  const changes: string[] = [];
  const stop = new AbortController();
  let informer: SupervisedInformer<V1ConfigMap, string>;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    const kubeConfig = loadKubeConfig(kube.kubeconfigPath);
    core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "inf" } } });
    informer = new SupervisedInformer<V1ConfigMap, string>({
      name: "configmaps/inf",
      path: "/api/v1/namespaces/inf/configmaps",
      list: async () => {
        const l = await core.listNamespacedConfigMap({ namespace: "inf" });
        return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? "" };
      },
      transform: (cm) => (cm.metadata?.labels?.keep === "yes" ? (cm.data?.value ?? "") : undefined),
      onChange: (key, value) => changes.push(`${key}=${value ?? "<gone>"}`),
      kubeConfig,
      clock: systemClock,
      logger: silentLogger(),
      backoff: { initialMs: 100, maxMs: 1_000 },
    });
    void informer.run(stop.signal);
    await until("the informer synced", () => informer.hasSynced() && informer.isLive());
  }, 180_000);

  afterAll(async () => {
    stop.abort();
    await kube?.stop();
  });

  const put = (name: string, value: string, keep = "yes") =>
    core.createNamespacedConfigMap({
      namespace: "inf",
      body: { metadata: { name, labels: { keep } }, data: { value } },
    });

  it("stores only what the transform keeps and sees adds, updates and deletes", async () => {
    await put("a", "1");
    await put("ignored", "x", "no");
    await until("a is stored", () => informer.get("inf/a") === "1");
    await core.patchNamespacedConfigMap({
      namespace: "inf",
      name: "a",
      body: [{ op: "replace", path: "/data/value", value: "2" }],
    });
    await until("a is updated", () => informer.get("inf/a") === "2");
    await core.deleteNamespacedConfigMap({ namespace: "inf", name: "a" });
    await until("a is removed", () => informer.get("inf/a") === undefined);
    expect(informer.get("inf/ignored")).toBeUndefined();
    expect(changes).toEqual(["inf/a=1", "inf/a=2", "inf/a=<gone>"]);
  });

  it("reports not live while the API server is down and catches up on what changed meanwhile", async () => {
    await put("before", "1");
    await until("before is stored", () => informer.get("inf/before") === "1");
    const restarted = kube.restartApiServer(2_000);
    await until("the informer noticed the outage", () => !informer.isLive(), 20_000);
    expect(informer.hasSynced()).toBe(true);
    await restarted;
    await put("during", "2");
    await core.deleteNamespacedConfigMap({ namespace: "inf", name: "before" });
    await until(
      "the informer is live again and caught up",
      () =>
        informer.isLive() &&
        informer.get("inf/during") === "2" &&
        informer.get("inf/before") === undefined,
      60_000,
    );
  }, 120_000);
});
