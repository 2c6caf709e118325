import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../test/unit/fixtures/clock.js";
import {
  type FakeKubeApi,
  reply,
  startFakeKubeApi,
} from "../../test/unit/fixtures/fake-kube-api.js";
import { silentLogger } from "../observability/logger.js";
import { ClusterState } from "./cluster-state.js";

const servicesPath = "/api/v1/namespaces/vpn/services";
const slicesPath = "/apis/discovery.k8s.io/v1/namespaces/vpn/endpointslices";

/**
 * Services and EndpointSlices of namespace vpn, listable and watchable over HTTP. Like the API
 * server, a watch from a resourceVersion first replays every later event, so an event that
 * happens between a list and the watch that follows it is not lost.
 */
class FakeCollections {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, object>>([
    [servicesPath, new Map()],
    [slicesPath, new Map()],
  ]);
  private readonly events = new Map<string, { rv: number; line: string }[]>();
  private readonly watchers = new Map<string, ServerResponse[]>();
  lists = 0;

  answer(path: string, isWatch: boolean, from: string | null, res: ServerResponse): void {
    if (isWatch) {
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      const since = Number(from ?? this.rv);
      for (const event of this.events.get(path) ?? []) if (event.rv > since) res.write(event.line);
      this.watchers.set(path, [...(this.watchers.get(path) ?? []), res]);
      return;
    }
    if (path === slicesPath) this.lists++;
    const items = [...(this.objects.get(path)?.values() ?? [])];
    reply(res, 200, { metadata: { resourceVersion: String(this.rv) }, items });
  }

  put(path: string, name: string, object: object, announce = true): void {
    const rv = String(++this.rv);
    const stored = {
      ...object,
      metadata: {
        name,
        namespace: "vpn",
        resourceVersion: rv,
        ...("metadata" in object ? (object.metadata as object) : {}),
      },
    };
    const existed = this.objects.get(path)?.has(name);
    this.objects.get(path)?.set(name, stored);
    if (!announce) return;
    const line = `${JSON.stringify({ type: existed ? "MODIFIED" : "ADDED", object: stored })}\n`;
    this.events.set(path, [...(this.events.get(path) ?? []), { rv: this.rv, line }]);
    for (const res of this.watchers.get(path) ?? []) res.write(line);
  }

  watching(path: string): boolean {
    return (this.watchers.get(path)?.length ?? 0) > 0;
  }
}

const annotated = { metadata: { annotations: { "vpc-route-sync.io/cidrs": "10.8.0.0/24" } } };
const slice = (service: string, address: string) => ({
  metadata: { labels: { "kubernetes.io/service-name": service } },
  endpoints: [{ addresses: [address], nodeName: "n1", conditions: { ready: true } }],
});

let fake: FakeKubeApi | undefined;
const stop = new AbortController();
afterEach(async () => {
  stop.abort();
  await fake?.close();
});

async function until(what: string, check: () => boolean): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 4_000; ) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe("ClusterState", () => {
  it("keeps only the slices of annotated Services, and lists them again when a Service gains the annotation", async () => {
    const api = new FakeCollections();
    api.put(servicesPath, "openvpn", annotated);
    api.put(servicesPath, "web", {});
    api.put(slicesPath, "openvpn-1", slice("openvpn", "10.244.0.5"));
    api.put(slicesPath, "web-1", slice("web", "10.244.0.9"));
    fake = await startFakeKubeApi((req, res) =>
      api.answer(
        req.url.pathname,
        req.url.searchParams.get("watch") === "true",
        req.url.searchParams.get("resourceVersion"),
        res,
      ),
    );
    const seenWithout: string[] = [];
    const notified: string[] = [];
    const state: ClusterState = new ClusterState({
      kubeConfig: fake.kubeConfig,
      namespaces: ["vpn"],
      trustedManagers: ["*"],
      onServiceChanged: (key) => {
        notified.push(key);
        if (state.service(key) && state.endpointsOf(key).length === 0) seenWithout.push(key);
      },
      clock: new VirtualClock(),
      logger: silentLogger(),
    });
    void state.start(stop.signal);
    await until("synced and watching", () => state.isLive() && api.watching(slicesPath));
    expect(state.services().map((s) => s.key)).toEqual(["vpn/openvpn"]);
    expect(state.endpointsOf("vpn/openvpn").map((e) => e.address)).toEqual(["10.244.0.5"]);
    expect(state.endpointsOf("vpn/web")).toEqual([]);
    expect(api.lists).toBe(1);

    api.put(servicesPath, "web", annotated);
    await until("web is shown", () => state.service("vpn/web") !== undefined);
    expect(state.endpointsOf("vpn/web").map((e) => e.address)).toEqual(["10.244.0.9"]);
    expect(api.lists).toBe(2);
    expect(notified).toContain("vpn/web");
    expect(seenWithout).toEqual([]);

    api.put(slicesPath, "web-1", slice("web", "10.244.1.9"));
    await until(
      "the moved endpoint is seen",
      () => state.endpointsOf("vpn/web")[0]?.address === "10.244.1.9",
    );
  });
});
