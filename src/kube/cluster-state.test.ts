import { describe, expect, it } from "vitest";
import { toServiceRecord, toSliceRecord } from "./cluster-state.js";

describe("cluster-state records", () => {
  it("keeps only Services that carry a vpc-route-sync annotation, and only those annotations", () => {
    expect(
      toServiceRecord({ metadata: { name: "web", namespace: "a", annotations: { other: "x" } } }),
    ).toBeUndefined();
    const record = toServiceRecord({
      metadata: {
        name: "openvpn",
        namespace: "vpn",
        uid: "u1",
        generation: 3,
        creationTimestamp: "2026-01-02T03:04:05Z",
        annotations: {
          "vpc-route-sync.io/cidrs": "10.8.0.0/24",
          "kubectl.kubernetes.io/last-applied-configuration": "{...}",
        },
      },
    });
    expect(record).toEqual({
      key: "vpn/openvpn",
      namespace: "vpn",
      name: "openvpn",
      uid: "u1",
      createdAt: "2026-01-02T03:04:05.000Z",
      generation: 3,
      annotations: { "vpc-route-sync.io/cidrs": "10.8.0.0/24" },
    });
  });

  it("treats an EndpointSlice endpoint without a ready condition as ready, as the API specifies", () => {
    const record = toSliceRecord({
      addressType: "IPv4",
      metadata: {
        name: "s",
        namespace: "vpn",
        labels: { "kubernetes.io/service-name": "openvpn" },
      },
      endpoints: [
        { addresses: ["10.244.0.5"], nodeName: "a" },
        {
          addresses: ["10.244.0.6"],
          nodeName: "b",
          conditions: { ready: false, terminating: true },
        },
      ],
    });
    expect(record).toEqual({
      service: "vpn/openvpn",
      slice: "vpn/s",
      manager: undefined,
      endpoints: [
        { address: "10.244.0.5", nodeName: "a", ready: true, serving: true, terminating: false },
        { address: "10.244.0.6", nodeName: "b", ready: false, serving: false, terminating: true },
      ],
    });
  });

  it("ignores EndpointSlices that belong to no Service", () => {
    expect(
      toSliceRecord({
        addressType: "IPv4",
        metadata: { name: "s", namespace: "vpn" },
        endpoints: [],
      }),
    ).toBeUndefined();
  });
});
