import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  fullCollection,
  ListCollection,
  largeListObjects,
  minIntervalMs,
  settleMs,
} from "./list-collection.js";

describe("ListCollection", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const collection = () => {
    const gc = vi.fn();
    return { gc, lists: new ListCollection({ gc, now: () => Date.now() }) };
  };

  it("collects once after a burst of large lists, when the last has settled", () => {
    const { gc, lists } = collection();
    lists.listed(20_000);
    vi.advanceTimersByTime(settleMs / 2);
    lists.listed(largeListObjects);
    vi.advanceTimersByTime(settleMs - 1);
    expect(gc).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(gc).toHaveBeenCalledTimes(1);
    expect(gc).toHaveBeenCalledWith({ type: "major", execution: "sync", flavor: "last-resort" });
    expect(gc.mock.calls[0]?.[0]).toBe(fullCollection);
  });

  it("leaves small lists to V8", () => {
    const { gc, lists } = collection();
    lists.listed(largeListObjects - 1);
    vi.advanceTimersByTime(minIntervalMs * 2);
    expect(gc).not.toHaveBeenCalled();
  });

  it("collects at most once per interval, and still after a large list that came too soon", () => {
    const { gc, lists } = collection();
    lists.listed(5_000);
    vi.advanceTimersByTime(settleMs);
    expect(gc).toHaveBeenCalledTimes(1);
    lists.listed(5_000);
    vi.advanceTimersByTime(minIntervalMs - 1);
    expect(gc).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(gc).toHaveBeenCalledTimes(2);
  });

  it("does nothing when the process has no gc (node without --expose-gc)", () => {
    const lists = new ListCollection({ gc: undefined, now: () => Date.now() });
    lists.listed(50_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
