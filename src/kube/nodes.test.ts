import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../test/unit/fixtures/clock.js";
import { NodeDirectory } from "./nodes.js";

function directory() {
  const clock = new VirtualClock();
  const reads: string[] = [];
  const nodes = new NodeDirectory(
    async (name) => {
      reads.push(name);
      return { name, providerId: `aws:///zone/i-${name}`, internalIps: ["10.0.0.1"] };
    },
    clock,
    { ttlMs: 300_000 },
  );
  return { clock, reads, nodes };
}

describe("NodeDirectory", () => {
  it("reads a node once and serves it from the cache within the TTL", async () => {
    const { clock, reads, nodes } = directory();
    await nodes.get("a");
    clock.advance(299_999);
    await nodes.get("a");
    expect(reads).toEqual(["a"]);
    clock.advance(1);
    await nodes.get("a");
    expect(reads).toEqual(["a", "a"]);
  });

  it("keeps a node that hosted endpoints lately, so a move back to it reads nothing", async () => {
    const { clock, reads, nodes } = directory();
    await nodes.get("a");
    await nodes.get("b");
    nodes.retainOnly(new Set(["b"])); // the endpoint moved from a to b
    clock.advance(10_000);
    nodes.retainOnly(new Set(["a"])); // and back
    await nodes.get("a");
    expect(reads).toEqual(["a", "b"]);
  });

  it("drops nodes that host nothing once their entry is older than the TTL", async () => {
    const { clock, reads, nodes } = directory();
    await nodes.get("a");
    await nodes.get("b");
    clock.advance(300_000);
    nodes.retainOnly(new Set(["b"]));
    await nodes.get("b");
    await nodes.get("a");
    expect(reads).toEqual(["a", "b", "b", "a"]);
  });

  it("forgets a node on request", async () => {
    const { reads, nodes } = directory();
    await nodes.get("a");
    nodes.forget("a");
    await nodes.get("a");
    expect(reads).toEqual(["a", "a"]);
  });
});
