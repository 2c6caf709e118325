import { describe, expect, it } from "vitest";
import { mustParseCidr } from "../domain/cidr.js";
import type { EndpointInfo } from "../domain/service.js";
import type { AgentService } from "./intents.js";
import type { AgentMode } from "./options.js";
import { type NodePlanInput, planNodeState, type RememberedService } from "./plan.js";

const nodeIps = new Map([
  ["n1", ["10.100.0.1", "fd10::1"]],
  ["n2", ["10.100.0.2", "fd10::2"]],
  ["n3", ["10.100.0.3"]],
]);

const ep = (
  nodeName: string,
  address: string,
  extra: Partial<EndpointInfo> = {},
): EndpointInfo => ({
  nodeName,
  address,
  ready: true,
  terminating: false,
  ...extra,
});

function svc(
  annotations: Record<string, string>,
  endpoints: EndpointInfo[],
  key = "vpn/openvpn",
  createdAt = "2024-01-01T00:00:00.000Z",
): AgentService {
  const [namespace = ""] = key.split("/");
  return { key, namespace, createdAt, annotations, endpoints };
}

const vpnOnN1 = [ep("n1", "10.244.1.10"), ep("n1", "fd44:1::10")];

function plan(
  services: AgentService[],
  over: Partial<NodePlanInput> & { nodeName?: string; mode?: AgentMode } = {},
) {
  return planNodeState({
    nodeName: "n2",
    mode: "fallback",
    masqueradeByDefault: false,
    policy: {
      allowedCidrs: [mustParseCidr("10.8.0.0/16"), mustParseCidr("fd08::/48")],
      minPrefixLength: { v4: 16, v6: 48 },
      refused: [{ cidr: mustParseCidr("10.244.0.0/16"), why: "overlaps the pod CIDR" }],
    },
    allowedNamespaces: ["vpn"],
    maxCidrsPerService: 8,
    clusterCidrs: [],
    services,
    nodeIps,
    remembered: new Map(),
    ...over,
  });
}

const routesOf = (p: ReturnType<typeof plan>) =>
  p.routes.map((r) => `${r.cidr.text} ${r.via} ${r.gateway}`);

describe("planNodeState", () => {
  const cidrs = { "vpc-route-sync.io/cidrs": "10.8.0.0/24, fd08::/64" };

  it.each([
    ["fallback", "n2", ["10.8.0.0/24 node 10.100.0.1", "fd08::/64 node fd10::1"]],
    ["fallback", "n1", ["10.8.0.0/24 pod 10.244.1.10", "fd08::/64 pod fd44:1::10"]],
    ["hop", "n2", []],
    ["hop", "n1", ["10.8.0.0/24 pod 10.244.1.10", "fd08::/64 pod fd44:1::10"]],
  ] as const)("in %s mode on node %s plans %j", (mode, nodeName, expected) => {
    expect(routesOf(plan([svc(cidrs, vpnOnN1)], { mode, nodeName }))).toEqual(expected);
  });

  it("picks the first eligible node by name, ignoring not-ready and terminating endpoints", () => {
    const endpoints = [
      ep("n3", "10.244.3.10"),
      ep("n1", "10.244.1.10", { ready: false }),
      ep("n2", "10.244.2.10", { terminating: true }),
      ep("n1", "10.244.1.11", { ready: false }),
    ];
    const p = plan([svc({ "vpc-route-sync.io/cidrs": "10.8.0.0/24" }, endpoints)], {
      nodeName: "n1",
    });
    expect(routesOf(p)).toEqual(["10.8.0.0/24 node 10.100.0.3"]);
  });

  it("gives the same answer whatever the order of Services and endpoints", () => {
    const a = svc({ "vpc-route-sync.io/cidrs": "10.8.0.0/24" }, [
      ep("n3", "10.244.3.9"),
      ...vpnOnN1,
    ]);
    const b = svc({ "vpc-route-sync.io/cidrs": "10.9.0.0/24" }, [ep("n2", "10.244.2.7")], "vpn/b");
    const reversed = { ...a, endpoints: [...a.endpoints].reverse() };
    expect(plan([a, b]).routes).toEqual(plan([b, reversed]).routes);
  });

  it("uses the hosting node's IPv6 InternalIP for IPv6 CIDRs and leaves a node without one unresolved", () => {
    const p = plan([svc({ "vpc-route-sync.io/cidrs": "fd08::/64" }, [ep("n3", "fd44:3::10")])]);
    expect(p.routes).toEqual([]);
    expect(p.notes.map((n) => n.reason)).toEqual(["TargetUnresolved"]);
    expect([...p.held.keys()]).toEqual(["fd08::/64"]);
  });

  it("holds a CIDR whose family the hosting Pod has no address of", () => {
    const p = plan([svc(cidrs, [ep("n1", "10.244.1.10")])], { nodeName: "n1" });
    expect(routesOf(p)).toEqual(["10.8.0.0/24 pod 10.244.1.10"]);
    expect(p.notes.map((n) => n.reason)).toEqual(["NoPodAddress"]);
    expect(p.held.has("fd08::/64")).toBe(true);
  });

  it("refuses the whole request when one CIDR is outside the allowlist or overlaps the pod CIDR", () => {
    for (const value of ["10.8.0.0/24, 192.168.0.0/24", "10.8.0.0/24, 10.244.5.0/24"]) {
      const p = plan([svc({ "vpc-route-sync.io/cidrs": value }, vpnOnN1)], {
        masqueradeByDefault: true,
      });
      expect(p.routes).toEqual([]);
      expect(p.masquerade).toEqual([]);
      expect(p.refusals.map((r) => r.reason)).toEqual(["CidrNotAllowed"]);
      expect(p.keepUnknown).toBe(true);
    }
  });

  it.each([
    ["keep", true],
    ["withdraw", false],
  ] as const)("with no ready endpoint and on-no-endpoint=%s holds the routes: %s", (mode, held) => {
    const annotations = { ...cidrs, "vpc-route-sync.io/on-no-endpoint": mode };
    const p = plan([svc(annotations, [ep("n1", "10.244.1.10", { ready: false })])]);
    expect(p.routes).toEqual([]);
    expect(p.held.has("10.8.0.0/24")).toBe(held);
    expect(p.notes.map((n) => n.reason)).toEqual(["NoReadyEndpoint"]);
  });

  it.each([
    [false, undefined, []],
    [false, "true", ["10.8.0.0/24", "fd08::/64"]],
    [true, undefined, ["10.8.0.0/24", "fd08::/64"]],
    [true, "false", []],
  ] as const)(
    "masquerade default %s with annotation %s masquerades %j",
    (global, value, expected) => {
      const annotations = { ...cidrs, ...(value ? { "vpc-route-sync.io/masquerade": value } : {}) };
      const p = plan([svc(annotations, vpnOnN1)], { masqueradeByDefault: global });
      expect(p.masquerade.map((m) => m.cidr)).toEqual(expected);
    },
  );

  it("masquerades only traffic from the cluster CIDRs of the VPN CIDR's family when they are set", () => {
    const annotations = { ...cidrs, "vpc-route-sync.io/masquerade": "true" };
    const p = plan([svc(annotations, vpnOnN1)], {
      clusterCidrs: [mustParseCidr("10.244.0.0/16"), mustParseCidr("fd44::/32")],
    });
    expect(p.masquerade.map((m) => `${m.source} > ${m.cidr}`)).toEqual([
      "10.244.0.0/16 > 10.8.0.0/24",
      "fd44::/32 > fd08::/64",
    ]);
  });

  it("masquerades on every node in hop mode, hosting or not", () => {
    const annotations = { ...cidrs, "vpc-route-sync.io/masquerade": "true" };
    const p = plan([svc(annotations, vpnOnN1)], { mode: "hop", nodeName: "n3" });
    expect(p.routes).toEqual([]);
    expect(p.masquerade).toHaveLength(2);
  });

  it("hands a CIDR to the VPN Pod only when its address lies inside the cluster CIDRs", () => {
    const hosting = { mode: "hop" as const, nodeName: "n1" };
    const inside = plan([svc(cidrs, vpnOnN1)], {
      ...hosting,
      clusterCidrs: [mustParseCidr("10.244.0.0/16"), mustParseCidr("fd44::/16")],
    });
    expect(inside.routes.map((r) => r.gateway)).toContain("10.244.1.10");
    const forged = [ep("n1", "172.31.9.9")];
    const outside = plan([svc(cidrs, forged)], {
      ...hosting,
      clusterCidrs: [mustParseCidr("10.244.0.0/16")],
    });
    expect(outside.routes).toEqual([]);
    expect(outside.notes.map((n) => n.reason)).toContain("PodAddressNotInCluster");
    expect(outside.notes.find((n) => n.reason === "PodAddressNotInCluster")?.message).toContain(
      "172.31.9.9, outside the cluster CIDRs (--cluster-cidrs 10.244.0.0/16)",
    );
    expect([...outside.held.keys()]).toContain("10.8.0.0/24");
  });

  it("reports the EndpointSlices an untrusted manager wrote", () => {
    const service = {
      ...svc(cidrs, vpnOnN1),
      ignoredSlices: [{ service: "vpn/openvpn", slice: "vpn/forged", manager: "someone" }],
    };
    const p = plan([service]);
    expect(p.refusals.map((r) => r.reason)).toEqual(["EndpointSliceNotTrusted"]);
    expect(p.refusals[0]?.message).toContain('EndpointSlice vpn/forged is managed by "someone"');
  });

  it("freezes a Service whose annotation turns invalid: remembered routes and rules are held", () => {
    const remembered = new Map<string, RememberedService>([
      ["vpn/openvpn", { cidrs: ["10.8.0.0/24"], masquerade: true }],
    ]);
    const broken = { ...cidrs, "vpc-route-sync.io/masquerade": "True" };
    const p = plan([svc(broken, vpnOnN1)], { remembered });
    expect(p.refusals[0]?.message).toContain(`"True" is not supported (did you mean true?)`);
    expect(p.routes).toEqual([]);
    expect([...p.held.keys()]).toEqual(["10.8.0.0/24"]);
    expect(p.masquerade.map((m) => m.cidr)).toEqual(["10.8.0.0/24"]);
    expect(p.keepUnknown).toBe(false);
    expect(p.remembered).toEqual(remembered);
  });

  it("removes nothing at all when a broken Service has no remembered CIDRs (after a restart)", () => {
    const p = plan([svc({ "vpc-route-sync.io/cidrs": "10.8.0.1/24" }, vpnOnN1)]);
    expect(p.refusals.map((r) => r.reason)).toEqual(["InvalidAnnotation"]);
    expect(p.keepUnknown).toBe(true);
  });

  it("refuses Services outside the allowed namespaces", () => {
    const p = plan([svc(cidrs, vpnOnN1, "other/vpn")]);
    expect(p.refusals.map((r) => r.reason)).toEqual(["NamespaceNotAllowed"]);
    expect(p.routes).toEqual([]);
  });

  it("gives a CIDR requested twice to the older Service", () => {
    const older = svc(
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24" },
      vpnOnN1,
      "vpn/a",
      "2023-01-01T00:00:00Z",
    );
    const younger = svc(
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24" },
      [ep("n3", "10.244.3.3")],
      "vpn/b",
    );
    const p = plan([younger, older]);
    expect(p.routes.map((r) => r.service)).toEqual(["vpn/a"]);
    expect(p.refusals.map((r) => `${r.service} ${r.reason}`)).toEqual(["vpn/b RouteConflict"]);
  });

  it("forgets a deleted Service, so its routes are removed", () => {
    const remembered = new Map([["vpn/gone", { cidrs: ["10.9.0.0/24"], masquerade: false }]]);
    const p = plan([svc(cidrs, vpnOnN1)], { remembered });
    expect([...p.remembered.keys()]).toEqual(["vpn/openvpn"]);
    expect(p.held.size).toBe(0);
    expect(p.keepUnknown).toBe(false);
  });
});
