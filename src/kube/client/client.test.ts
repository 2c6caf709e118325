import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeHandler,
  type FakeKubeApi,
  reply,
  startFakeKubeApi,
  status,
} from "../../../test/unit/fixtures/fake-kube-api.js";
import { PermanentError, ThrottledError } from "../../errors.js";
import { KubeClient } from "./client.js";
import { isGone } from "./errors.js";
import { maxBodyBytes } from "./http.js";

let fake: FakeKubeApi | undefined;

async function clientFor(handler: FakeHandler): Promise<KubeClient> {
  fake = await startFakeKubeApi(handler, "tok");
  return new KubeClient(fake.kubeConfig);
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const node = (name: string) => ({ metadata: { name } });

describe("KubeClient on client-node", () => {
  it("lists page by page with limit and continue, and returns the list's resourceVersion", async () => {
    const client = await clientFor((req, res) => {
      const token = req.url.searchParams.get("continue");
      expect(req.url.searchParams.get("limit")).toBe("2");
      expect(req.headers.authorization).toBe("Bearer tok");
      if (token === null)
        reply(res, 200, { metadata: { continue: "p2" }, items: [node("a"), node("b")] });
      else reply(res, 200, { metadata: { resourceVersion: "42" }, items: [node("c")] });
    });
    const names: string[] = [];
    const rv = await client.list<{ metadata: { name: string } }>("/api/v1/nodes", {
      limit: 2,
      onItem: (item) => names.push(item.metadata.name),
    });
    expect(names).toEqual(["a", "b", "c"]);
    expect(rv).toBe("42");
  });

  it("starts a list over when its continue token expired (410)", async () => {
    let calls = 0;
    const client = await clientFor((req, res) => {
      calls++;
      if (calls === 2) return reply(res, 410, status(410, "Expired", "continue token expired"));
      if (req.url.searchParams.get("continue") === null)
        return reply(res, 200, { metadata: { continue: "p2" }, items: [node("a")] });
      reply(res, 200, { metadata: { resourceVersion: "9" }, items: [node("b")] });
    });
    const names: string[] = [];
    await client.list<{ metadata: { name: string } }>("/api/v1/nodes", {
      onItem: (item) => names.push(item.metadata.name),
      onRestart: () => names.splice(0),
    });
    expect(names).toEqual(["a", "b"]);
  });

  it("fails a list whose page breaks off half-way instead of taking the items so far as the list", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"a"}},');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const names: string[] = [];
    await expect(
      client.list<{ metadata: { name: string } }>("/api/v1/nodes", {
        onItem: (item) => names.push(item.metadata.name),
      }),
    ).rejects.toMatchObject({ retryable: true, message: /listing \/api\/v1\/nodes failed/ });
    // The complete item was handed over as it arrived; the informer keeps it only if the list
    // completes (it collects into a fresh map).
    expect(names).toEqual(["a"]);
  });

  it("refuses an answer larger than the bound instead of parsing it", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= maxBodyBytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end("{}");
      };
      pump();
    });
    await expect(client.get("/api/v1/nodes/a")).rejects.toThrow(/exceeded \d+ bytes; refused/);
  });

  it("maps 403 to a permanent error with the permission hint, 429 to throttling with Retry-After", async () => {
    const client = await clientFor((req, res) => {
      if (req.url.pathname.endsWith("/a"))
        return reply(res, 403, status(403, "Forbidden", "nodes is forbidden"));
      res.writeHead(429, { "content-type": "application/json", "retry-after": "3" });
      res.end(JSON.stringify(status(429, "TooManyRequests", "slow down")));
    });
    const forbidden = client.get("/api/v1/nodes/a", { forbiddenHint: "grant get on nodes" });
    await expect(forbidden).rejects.toThrow(PermanentError);
    await expect(forbidden).rejects.toThrow(/nodes is forbidden; grant get on nodes/);
    const throttled = await client.get("/api/v1/nodes/b").catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect((throttled as ThrottledError).retryAfterMs).toBe(3000);
  });

  it("delivers watch events and ends with a 410 Gone error from an ERROR event", async () => {
    const client = await clientFor((req, res) => {
      expect(req.url.searchParams.get("allowWatchBookmarks")).toBe("true");
      expect(req.url.searchParams.get("resourceVersion")).toBe("5");
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`${JSON.stringify({ type: "ADDED", object: node("a") })}\n`);
      res.write(
        `${JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "6" } } })}\n`,
      );
      res.end(`${JSON.stringify({ type: "ERROR", object: status(410, "Expired", "too old") })}\n`);
    });
    const seen: string[] = [];
    const watched = client.watch<{ metadata: { name?: string } }>("/api/v1/nodes", {
      resourceVersion: "5",
      timeoutSeconds: 5,
      onEvent: (type, object) => seen.push(`${type} ${object.metadata.name ?? ""}`.trim()),
    });
    const error = await watched.catch((e: unknown) => e);
    expect(isGone(error)).toBe(true);
    expect(seen).toEqual(["ADDED a", "BOOKMARK"]);
  });
});

describe("KubeClient connections", () => {
  it("reuses one keep-alive connection across requests and watches (client-node builds an agent per request)", async () => {
    const { createServer } = await import("node:http");
    let connections = 0;
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      if (req.url?.includes("watch=true")) res.end();
      else res.end(JSON.stringify({ metadata: { resourceVersion: "1" }, items: [] }));
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const { KubeConfig } = await import("@kubernetes/client-node");
      const kc = new KubeConfig();
      kc.loadFromClusterAndUser(
        { name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
        { name: "u", token: "t" },
      );
      const client = new KubeClient(kc);
      for (let i = 0; i < 5; i++) await client.list("/api/v1/nodes", { onItem: () => undefined });
      await client.watch("/api/v1/nodes", {
        resourceVersion: "1",
        timeoutSeconds: 5,
        onEvent: () => undefined,
      });
      // Six requests over at most two connections (one may still be finishing its answer when
      // the next request starts); with an agent per request it was one connection each.
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
