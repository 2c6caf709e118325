import { describe, expect, it } from "vitest";
import { toSliceRecord } from "./cluster-state.js";
import { ignoredSliceRefusal, isTrustedManager } from "./slice-trust.js";

describe("EndpointSlice trust", () => {
  it.each([
    ["endpointslice-controller.k8s.io", ["endpointslice-controller.k8s.io"], true],
    ["someone-else", ["endpointslice-controller.k8s.io"], false],
    [undefined, ["endpointslice-controller.k8s.io"], false],
    [undefined, ["*"], true],
    ["my-controller", ["endpointslice-controller.k8s.io", "my-controller"], true],
  ] as const)(
    "a slice managed by %s with trusted %j is trusted: %s",
    (manager, trusted, expected) => {
      expect(isTrustedManager(manager, trusted)).toBe(expected);
    },
  );

  it("keeps the slice's name and manager in its record", () => {
    const record = toSliceRecord({
      metadata: {
        name: "openvpn-x1",
        namespace: "vpn",
        labels: {
          "kubernetes.io/service-name": "openvpn",
          "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        },
      },
      endpoints: [],
    });
    expect(record).toMatchObject({
      service: "vpn/openvpn",
      slice: "vpn/openvpn-x1",
      manager: "endpointslice-controller.k8s.io",
    });
  });

  it("tells the operator how to trust a legitimate other manager", () => {
    const refusal = ignoredSliceRefusal({ service: "vpn/a", slice: "vpn/a-1", manager: undefined });
    expect(refusal.reason).toBe("EndpointSliceNotTrusted");
    expect(refusal.message).toContain("has no endpointslice.kubernetes.io/managed-by label");
    expect(refusal.message).toContain("--trusted-endpoint-slice-managers");
  });
});
