import { describe, expect, it } from "vitest";
import type { KernelRoute } from "./kernel-route.js";
import { type DesiredKernelRoute, diffKernelRoutes } from "./route-diff.js";

const ours = 201;
const route = (over: Partial<KernelRoute>): KernelRoute => ({
  family: 4,
  dst: "10.8.0.0/24",
  protocol: ours,
  type: 1,
  gateway: "10.100.0.1",
  dev: "eth0",
  metric: 0,
  onlink: false,
  multipath: false,
  ...over,
});
const toNode: DesiredKernelRoute = {
  family: 4,
  dst: "10.8.0.0/24",
  gateway: "10.100.0.1",
  dev: undefined,
  onlink: false,
  service: "vpn/openvpn",
};
const toPod: DesiredKernelRoute = {
  ...toNode,
  gateway: "10.244.1.10",
  dev: "veth1",
  onlink: true,
};

const diff = (
  desired: DesiredKernelRoute[],
  observed: KernelRoute[],
  held = new Map<string, string>(),
  keepUnknown = false,
) =>
  diffKernelRoutes({ desired, observed, protocol: ours, held, keepUnknown }).map((s) =>
    s.kind === "delete"
      ? `delete ${s.route.dst} metric ${s.route.metric}`
      : `${s.kind} ${"spec" in s ? s.spec.dst : s.dst}`,
  );

describe("diffKernelRoutes", () => {
  it("keeps a route that is as desired, so a steady state writes nothing", () => {
    expect(diff([toNode], [route({})])).toEqual(["keep 10.8.0.0/24"]);
    expect(diff([toPod], [route({ gateway: "10.244.1.10", dev: "veth1", onlink: true })])).toEqual([
      "keep 10.8.0.0/24",
    ]);
  });

  it("creates a missing route and replaces one of ours that was changed by hand", () => {
    expect(diff([toNode], [])).toEqual(["replace 10.8.0.0/24"]);
    expect(diff([toNode], [route({ gateway: "10.100.0.9" })])).toEqual(["replace 10.8.0.0/24"]);
    expect(diff([toPod], [route({ gateway: "10.244.1.10", dev: "veth9", onlink: true })])).toEqual([
      "replace 10.8.0.0/24",
    ]);
  });

  it("reports a route for a requested CIDR installed by anyone else as a conflict and never writes it", () => {
    const foreign = route({ protocol: 3, gateway: "10.100.0.7" });
    const steps = diffKernelRoutes({
      desired: [toNode],
      observed: [foreign, route({ metric: 5 })],
      protocol: ours,
      held: new Map(),
      keepUnknown: false,
    });
    expect(steps.map((s) => s.kind)).toEqual(["conflict"]);
    expect(steps[0]?.kind === "conflict" && steps[0].reason).toContain(
      "via 10.100.0.7 dev eth0 proto 3 metric 0",
    );
    expect(diff([toNode], [route({ protocol: 3, type: 7, gateway: undefined })])).toEqual([
      "conflict 10.8.0.0/24",
    ]);
  });

  it("replaces before it deletes duplicates of ours at other metrics", () => {
    expect(diff([toNode], [route({ metric: 7 }), route({ gateway: "10.100.0.3" })])).toEqual([
      "replace 10.8.0.0/24",
      "delete 10.8.0.0/24 metric 7",
    ]);
  });

  it("deletes our routes nobody wants, unless held or a broken Service's CIDRs are unknown", () => {
    const stale = route({ dst: "10.9.0.0/24" });
    const foreign = route({ dst: "10.10.0.0/24", protocol: 4 });
    expect(diff([], [stale, foreign])).toEqual(["delete 10.9.0.0/24 metric 0"]);
    expect(diff([], [stale], new Map([["10.9.0.0/24", "keep"]]))).toEqual(["keep 10.9.0.0/24"]);
    expect(diff([], [stale], new Map(), true)).toEqual(["keep 10.9.0.0/24"]);
  });

  it("never confuses families and compares IPv6 gateways by value", () => {
    const v6: DesiredKernelRoute = { ...toNode, family: 6, dst: "fd08::/64", gateway: "FD10:0::1" };
    const observed = route({ family: 6, dst: "fd08::/64", gateway: "fd10::1", metric: 1024 });
    expect(diff([v6], [observed, route({ dst: "fd08::/64" })])).toEqual([
      "delete fd08::/64 metric 0",
      "keep fd08::/64",
    ]);
  });
});
