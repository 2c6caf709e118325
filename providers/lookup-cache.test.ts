import { describe, expect, it } from "vitest";
import { manualClock } from "../test/fakes/aws/fake-world.js";
import { LookupCache } from "./lookup-cache.js";

describe("LookupCache", () => {
  it("keeps an entry for exactly its lifetime", () => {
    const clock = manualClock();
    const cache = new LookupCache<string>(clock, 100);
    cache.set("k", "v");
    clock.advance(99);
    expect(cache.peek("k")).toBe("v");
    clock.advance(1);
    expect(cache.peek("k")).toBeUndefined();
  });

  it("caches nothing with a zero lifetime", () => {
    const cache = new LookupCache<string>(manualClock(), 0);
    cache.set("k", "v");
    expect(cache.peek("k")).toBeUndefined();
  });

  it("deletes and rewrites selected entries without extending their lifetime", () => {
    const clock = manualClock();
    const cache = new LookupCache<{ node: string; n: number }>(clock, 100);
    cache.set("a", { node: "a", n: 1 });
    cache.set("b", { node: "b", n: 1 });
    clock.advance(50);
    cache.deleteWhere((v) => v.node === "a");
    cache.updateWhere(
      (v) => v.node === "b",
      (v) => ({ ...v, n: 2 }),
    );
    expect(cache.peek("a")).toBeUndefined();
    expect(cache.peek("b")).toEqual({ node: "b", n: 2 });
    clock.advance(50);
    expect(cache.peek("b")).toBeUndefined();
  });

  it("shares one lookup between concurrent callers and answers later ones from memory", async () => {
    const cache = new LookupCache<string>(manualClock(), 100);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setImmediate(resolve));
      return "eni-1";
    };
    expect(await Promise.all([cache.get("n", load), cache.get("n", load)])).toEqual([
      "eni-1",
      "eni-1",
    ]);
    expect(await cache.get("n", load)).toBe("eni-1");
    expect(loads).toBe(1);
  });

  it("does not cache a failed lookup, and evicts expired entries when it stores", async () => {
    const clock = manualClock();
    const cache = new LookupCache<string>(clock, 100);
    await expect(cache.get("n", () => Promise.reject(new Error("throttled")))).rejects.toThrow();
    expect(await cache.get("n", async () => "eni-2")).toBe("eni-2");
    clock.advance(100);
    cache.set("m", "x");
    expect(cache.peek("n")).toBeUndefined();
  });
});
