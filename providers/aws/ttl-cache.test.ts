import { describe, expect, it } from "vitest";
import { manualClock } from "../../test/fakes/aws/fake-world.js";
import { createTtlCache } from "./ttl-cache.js";

describe("createTtlCache", () => {
  it("keeps an entry for exactly its lifetime", () => {
    const clock = manualClock();
    const cache = createTtlCache<string>(clock, 100);
    cache.set("k", "v");
    clock.advance(99);
    expect(cache.get("k")).toBe("v");
    clock.advance(1);
    expect(cache.get("k")).toBeUndefined();
  });

  it("caches nothing with a zero lifetime", () => {
    const cache = createTtlCache<string>(manualClock(), 0);
    cache.set("k", "v");
    expect(cache.get("k")).toBeUndefined();
  });

  it("deletes and rewrites selected entries without extending their lifetime", () => {
    const clock = manualClock();
    const cache = createTtlCache<{ node: string; n: number }>(clock, 100);
    cache.set("a", { node: "a", n: 1 });
    cache.set("b", { node: "b", n: 1 });
    clock.advance(50);
    cache.deleteWhere((v) => v.node === "a");
    cache.updateWhere(
      (v) => v.node === "b",
      (v) => ({ ...v, n: 2 }),
    );
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toEqual({ node: "b", n: 2 });
    clock.advance(50);
    expect(cache.get("b")).toBeUndefined();
  });
});
