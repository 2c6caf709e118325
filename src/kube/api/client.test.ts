import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type FakeHandler,
  type FakeKubeApi,
  reply,
  type SeenRequest,
  startFakeKubeApi,
  status,
} from "../../../test/unit/fixtures/fake-kube-api.js";
import { NotFoundError, TransientError } from "../../errors.js";
import { KubeClient } from "./client.js";
import { isGone } from "./errors.js";

let fake: FakeKubeApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function clientFor(handler: FakeHandler, options = {}): Promise<KubeClient> {
  fake = await startFakeKubeApi(handler, "sekret");
  return new KubeClient(fake.access, options);
}

const service = (i: number) => ({ metadata: { name: `s${i}`, namespace: "vpn" } });

/** Serves `total` Services in pages of `limit`, continue token = next index. */
function pagedServices(total: number, onPage?: (req: SeenRequest) => boolean): FakeHandler {
  return (req, res) => {
    if (onPage && !onPage(req)) {
      reply(res, 410, status(410, "Expired", "The provided continue parameter is too old"));
      return;
    }
    const limit = Number(req.url.searchParams.get("limit"));
    const from = Number(req.url.searchParams.get("continue") ?? "0");
    const to = Math.min(total, from + limit);
    const items = Array.from({ length: to - from }, (_, i) => service(from + i));
    const more = to < total ? { continue: String(to) } : {};
    reply(res, 200, { metadata: { resourceVersion: "77", ...more }, items });
  };
}

const names = (items: { metadata: { name: string } }[]) => items.map((s) => s.metadata.name);

describe("KubeClient paged lists", () => {
  it("lists in pages of 500 with continue tokens and returns the list's resourceVersion", async () => {
    const client = await clientFor(pagedServices(1_200));
    const seen: { metadata: { name: string } }[] = [];
    const rv = await client.list("/api/v1/services", {
      onItem: (s: (typeof seen)[number]) => seen.push(s),
    });
    expect(rv).toBe("77");
    expect(names(seen)).toEqual(Array.from({ length: 1_200 }, (_, i) => `s${i}`));
    expect(fake?.requests.map((r) => r.url.search)).toEqual([
      "?limit=500",
      "?limit=500&continue=500",
      "?limit=500&continue=1000",
    ]);
  });

  it("starts over when a continue token expired (410), after telling the caller to drop what it got", async () => {
    let expired = false;
    const client = await clientFor(
      pagedServices(700, (req) => {
        if (req.url.searchParams.get("continue") !== "500" || expired) return true;
        expired = true;
        return false;
      }),
    );
    const seen: string[] = [];
    const onRestart = vi.fn(() => seen.splice(0));
    await client.list("/api/v1/services", {
      onItem: (s: { metadata: { name: string } }) => seen.push(s.metadata.name),
      onRestart,
    });
    expect(onRestart).toHaveBeenCalledOnce();
    expect(seen).toHaveLength(700);
    expect(fake?.requests).toHaveLength(4);
  });

  it("does not restart a list whose first page is refused", async () => {
    const client = await clientFor((_req, res) =>
      reply(res, 410, status(410, "Expired", "too old resource version")),
    );
    const list = client.list("/api/v1/services", { onItem: () => undefined });
    await expect(list).rejects.toThrow(TransientError);
    expect(fake?.requests).toHaveLength(1);
  });
});

/** Writes watch lines in awkward chunks: cut inside JSON, several events per chunk. */
function streamEvents(res: ServerResponse, events: unknown[], end = true): void {
  res.writeHead(200, { "content-type": "application/json" });
  const text = events.map((e) => `${JSON.stringify(e)}\n`).join("");
  const cuts = [7, 40, 41, 90, text.length];
  let from = 0;
  for (const cut of cuts.filter((c) => c <= text.length)) {
    res.write(text.slice(from, cut));
    from = cut;
  }
  if (end) res.end();
}

describe("KubeClient watches", () => {
  it("streams events line by line with bookmarks on, and resolves at the server's clean end", async () => {
    const client = await clientFor((_req, res) =>
      streamEvents(res, [
        { type: "ADDED", object: { metadata: { name: "a", resourceVersion: "11" } } },
        { type: "BOOKMARK", object: { metadata: { resourceVersion: "12" } } },
        { type: "MODIFIED", object: { metadata: { name: "a", resourceVersion: "13" } } },
        { type: "DELETED", object: { metadata: { name: "a", resourceVersion: "14" } } },
      ]),
    );
    const events: string[] = [];
    await client.watch<{ metadata: { resourceVersion: string } }>(
      "/api/v1/namespaces/vpn/services",
      {
        resourceVersion: "10",
        timeoutSeconds: 25,
        onEvent: (type, o) => events.push(`${type}@${o.metadata.resourceVersion}`),
      },
    );
    expect(events).toEqual(["ADDED@11", "BOOKMARK@12", "MODIFIED@13", "DELETED@14"]);
    const query = Object.fromEntries(fake?.requests[0]?.url.searchParams ?? []);
    expect(query).toEqual({
      watch: "true",
      resourceVersion: "10",
      allowWatchBookmarks: "true",
      timeoutSeconds: "25",
    });
  });

  it.each([
    [
      "an ERROR event",
      (res: ServerResponse) =>
        streamEvents(
          res,
          [{ type: "ERROR", object: status(410, "Expired", "too old resource version: 10 (99)") }],
          false,
        ),
    ],
    [
      "an HTTP 410 answer",
      (res: ServerResponse) => reply(res, 410, status(410, "Gone", "too old resource version")),
    ],
  ])("rejects with 410 Gone on %s", async (_name, answer) => {
    const client = await clientFor((_req, res) => answer(res));
    const watch = client.watch("/api/v1/services", {
      resourceVersion: "10",
      timeoutSeconds: 25,
      onEvent: () => undefined,
    });
    const error = await watch.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(isGone(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^watching \/api\/v1\/services failed: too old resource version/,
    );
  });

  it("rejects when the connection breaks in the middle of the stream", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD');
      setTimeout(() => res.destroy(), 20);
    });
    const events: string[] = [];
    const watch = client.watch("/api/v1/services", {
      resourceVersion: "1",
      timeoutSeconds: 25,
      onEvent: (type) => events.push(type),
    });
    await expect(watch).rejects.toThrow(TransientError);
    expect(events).toEqual(["ADDED"]);
  });

  it("ends at once when the caller's signal aborts", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200);
      res.flushHeaders();
    });
    const stop = new AbortController();
    const watch = client.watch("/api/v1/services", {
      resourceVersion: "1",
      timeoutSeconds: 25,
      signal: stop.signal,
      onEvent: () => undefined,
    });
    setTimeout(() => stop.abort(), 50);
    await expect(watch).rejects.toThrow(/was cancelled/);
  });
});

describe("KubeClient requests", () => {
  it("sends the bearer token and JSON headers, and maps 404 to NotFoundError", async () => {
    const client = await clientFor((_req, res) =>
      reply(res, 404, status(404, "NotFound", 'nodes "a" not found')),
    );
    const read = client.get("/api/v1/nodes/a", { what: "reading node a" });
    await expect(read).rejects.toThrow(NotFoundError);
    await expect(read).rejects.toThrow('reading node a failed: nodes "a" not found');
    const headers = fake?.requests[0]?.headers;
    expect(headers?.authorization).toBe("Bearer sekret");
    expect(headers?.accept).toBe("application/json");
    expect(headers?.["user-agent"]).toMatch(/^vpc-route-sync/);
  });

  it("server-side applies with the apply content type, field manager and force", async () => {
    const client = await clientFor((req, res) => reply(res, 200, JSON.parse(req.body)));
    const body = { apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "vpn" } };
    await client.apply("/api/v1/namespaces/vpn/services/a/status", body, "vpc-route-sync", {
      force: true,
    });
    const req = fake?.requests[0];
    expect(req?.method).toBe("PATCH");
    expect(req?.headers["content-type"]).toBe("application/apply-patch+yaml");
    expect(req?.url.search).toBe("?fieldManager=vpc-route-sync&force=true");
    expect(JSON.parse(req?.body ?? "")).toEqual(body);
  });

  it("gives up on a hung API server after the request timeout", async () => {
    const client = await clientFor(() => undefined, { requestTimeoutMs: 100 });
    const started = performance.now();
    await expect(
      client.create("/api/v1/namespaces/vpn/events", {}, { what: "recording" }),
    ).rejects.toThrow("recording timed out after 100 ms");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("drops cached credentials when the API server answers 401", async () => {
    fake = await startFakeKubeApi((_req, res) =>
      reply(res, 401, status(401, "Unauthorized", "Unauthorized")),
    );
    const invalidate = vi.fn();
    const client = new KubeClient({ ...fake.access, invalidate });
    await expect(client.get("/api/v1/nodes/a")).rejects.toThrow(
      "GET /api/v1/nodes/a failed: Unauthorized",
    );
    expect(invalidate).toHaveBeenCalledOnce();
  });
});
