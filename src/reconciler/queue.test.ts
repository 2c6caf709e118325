import { describe, expect, it } from "vitest";
import { CoalescingQueue } from "./queue.js";

describe("CoalescingQueue", () => {
  it("hands a burst of keys to the worker as one batch with each key's first time", async () => {
    let now = 10;
    const queue = new CoalescingQueue(() => now);
    queue.add("vpn/a");
    now = 20;
    queue.add("vpn/a");
    queue.add("vpn/b");
    const batch = await queue.takeAll(new AbortController().signal);
    expect([...batch]).toEqual([
      ["vpn/a", 10],
      ["vpn/b", 20],
    ]);
    expect(queue.size).toBe(0);
  });

  it("wakes a waiting worker when a key arrives", async () => {
    const queue = new CoalescingQueue(() => 0);
    const taken = queue.takeAll(new AbortController().signal);
    queue.add("vpn/a");
    expect([...(await taken).keys()]).toEqual(["vpn/a"]);
  });
});
