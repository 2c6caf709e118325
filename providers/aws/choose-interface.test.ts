import { describe, expect, it } from "vitest";
import type { NodeInfo } from "../../src/domain/service.js";
import { isNotFound, isPermanent } from "../../src/errors.js";
import { chooseInterface, forwardingStatus, toResolvedTarget } from "./choose-interface.js";
import type { Ec2NetworkInterface } from "./port.js";

const eni = (
  id: string,
  privateIps: string[],
  ipv6Addresses: string[] = [],
): Ec2NetworkInterface => ({
  id,
  instanceId: "i-0abc",
  vpcId: "vpc-1",
  privateIps,
  ipv6Addresses,
  sourceDestCheck: true,
});
const node = (internalIps: string[]): NodeInfo => ({
  name: "node-a",
  providerId: undefined,
  internalIps,
});
const primary = eni("eni-primary", ["172.31.0.4"], ["2600:1f18::4"]);
const secondary = eni("eni-pods", ["172.31.0.50", "172.31.0.51"], ["2600:1f18::50"]);
const v4only = eni("eni-v4only", ["172.31.0.60"]);
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
};

describe("chooseInterface", () => {
  it("picks the ENI holding the node's IPv4 InternalIP, not the first one", () => {
    const choice = chooseInterface(
      node(["172.31.0.50"]),
      4,
      [primary, secondary],
      "instance i-0abc",
    );
    expect(choice).toEqual({ eni: secondary, address: "172.31.0.50" });
  });

  it("picks the ENI holding the node's IPv6 InternalIP for IPv6, whatever its spelling", () => {
    const choice = chooseInterface(
      node(["172.31.0.50", "2600:1F18:0::4"]),
      6,
      [secondary, primary],
      "x",
    );
    expect(choice.eni.id).toBe("eni-primary");
  });

  it("falls back to the IPv4 InternalIP's ENI for IPv6 when that ENI has an IPv6 address", () => {
    const choice = chooseInterface(node(["172.31.0.4"]), 6, [secondary, primary], "x");
    expect(choice).toEqual({ eni: primary, address: "2600:1f18::4" });
  });

  it("explains that the node's ENI has no IPv6 address", () => {
    const error = thrown(() => chooseInterface(node(["172.31.0.60"]), 6, [v4only], "x"));
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /eni-v4only .*has no IPv6 address.*assign-ipv6-addresses/,
    );
  });

  it("reports not-found when no ENI holds any of the node's addresses", () => {
    const error = thrown(() =>
      chooseInterface(node(["172.31.9.9"]), 4, [primary], "instance i-0abc"),
    );
    expect(isNotFound(error)).toBe(true);
    expect((error as Error).message).toContain("172.31.9.9");
    expect((error as Error).message).toContain("instance i-0abc");
  });

  it("reports not-found when the lookup found no ENI at all", () => {
    expect(isNotFound(thrown(() => chooseInterface(node(["172.31.0.4"]), 4, [], "x")))).toBe(true);
  });

  it("refuses a node without InternalIP", () => {
    expect(isPermanent(thrown(() => chooseInterface(node([]), 4, [primary], "x")))).toBe(true);
  });

  it("refuses to guess when one address is held by ENIs in several VPCs", () => {
    const twin = { ...primary, id: "eni-twin", vpcId: "vpc-2" };
    const error = thrown(() => chooseInterface(node(["172.31.0.4"]), 4, [primary, twin], "x"));
    expect(isPermanent(error)).toBe(true);
    expect((error as Error).message).toMatch(/eni-primary in vpc-1, eni-twin in vpc-2/);
  });
});

describe("forwarding status", () => {
  it("is enabled when source/destination check is off", () => {
    expect(forwardingStatus({ ...primary, sourceDestCheck: false }, "node-a", false)).toEqual({
      state: "enabled",
    });
  });

  it("is disabled with the ENI, the node and the fix when the check is on", () => {
    const status = forwardingStatus(primary, "node-a", false);
    expect(status.state).toBe("disabled");
    expect(status.state === "disabled" && status.message).toMatch(
      /eni-primary of node node-a.*disable source\/destination check on eni-primary, or set manageSourceDestCheck/,
    );
  });

  it("is unknown when EC2 did not say", () => {
    expect(forwardingStatus({ ...primary, sourceDestCheck: undefined }, "n", false).state).toBe(
      "unknown",
    );
  });

  it("describes the target with the instance and the address", () => {
    const target = toResolvedTarget(
      node(["172.31.0.4"]),
      { eni: primary, address: "172.31.0.4" },
      false,
    );
    expect(target).toMatchObject({
      id: "eni-primary",
      nodeName: "node-a",
      description: "eni-primary (i-0abc, 172.31.0.4)",
    });
  });
});
