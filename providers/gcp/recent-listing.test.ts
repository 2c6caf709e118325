import { describe, expect, it } from "vitest";
import { ManualClock } from "../../test/fakes/gcp/manual-clock.js";
import type { GcpRoute } from "./port.js";
import { RecentListing } from "./recent-listing.js";

const route = (name: string, destRange: string): GcpRoute => ({
  name,
  id: name,
  network: "vpc",
  destRange,
  priority: 1000,
  nextHopInstance: undefined,
  nextHopIp: "10.0.0.9",
  otherNextHop: undefined,
  description: "",
  tags: [],
  warnings: [],
});

describe("RecentListing", () => {
  it("hands out each CIDR's listed routes once, and none for an unlisted CIDR", () => {
    const listing = new RecentListing(new ManualClock(), 5_000);
    listing.remember([
      route("a", "10.8.0.0/24"),
      route("b", "10.8.0.0/24"),
      route("c", "10.9.0.0/24"),
    ]);
    expect(listing.take("10.8.0.0/24")?.map((r) => r.name)).toEqual(["a", "b"]);
    expect(listing.take("10.8.0.0/24")).toBeUndefined();
    expect(listing.take("10.7.0.0/24")).toEqual([]);
    expect(listing.take("10.9.0.0/24")?.map((r) => r.name)).toEqual(["c"]);
  });

  it("hands out nothing once the listing is older than its bound, nor before any listing", () => {
    const clock = new ManualClock();
    const listing = new RecentListing(clock, 5_000);
    expect(listing.take("10.8.0.0/24")).toBeUndefined();
    listing.remember([route("a", "10.8.0.0/24")]);
    clock.advance(5_001);
    expect(listing.take("10.8.0.0/24")).toBeUndefined();
  });

  it("starts afresh with every listing", () => {
    const listing = new RecentListing(new ManualClock(), 5_000);
    listing.remember([route("a", "10.8.0.0/24")]);
    listing.take("10.8.0.0/24");
    listing.remember([route("b", "10.8.0.0/24")]);
    expect(listing.take("10.8.0.0/24")?.map((r) => r.name)).toEqual(["b"]);
  });
});
