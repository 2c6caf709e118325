import { describe, expect, it } from "vitest";
import { canonicalCidrText, isSameIp } from "./cidr-text.js";
import { parseAwsProviderId } from "./provider-id.js";

describe("parseAwsProviderId", () => {
  it.each([
    ["aws:///us-east-1a/i-0abc", { zone: "us-east-1a", instanceId: "i-0abc" }],
    ["aws://us-east-1a/i-0abc", { zone: "us-east-1a", instanceId: "i-0abc" }],
    [
      "aws:///eu-west-1c/i-0123456789abcdef0",
      { zone: "eu-west-1c", instanceId: "i-0123456789abcdef0" },
    ],
    ["aws:///i-0abc", { zone: undefined, instanceId: "i-0abc" }],
    ["aws:////i-0abc", { zone: undefined, instanceId: "i-0abc" }],
  ])("reads %s", (input, expected) => {
    expect(parseAwsProviderId(input)).toEqual(expected);
  });

  it.each([
    [undefined],
    [""],
    ["gce://project/zone/instance"],
    ["aws:///us-east-1a/fargate-ip-10-0-0-1.ec2.internal"],
    ["aws:///us-east-1a/i-0ABC"],
    ["aws:///us-east-1a/i-0abc/extra"],
    ["kind://docker/kind/kind-control-plane"],
  ])("names no instance for %j", (input) => {
    expect(parseAwsProviderId(input)).toBeUndefined();
  });
});

describe("canonicalCidrText", () => {
  it.each([
    ["10.8.0.0/24", "10.8.0.0/24"],
    ["2001:DB8:0:0::/64", "2001:db8::/64"],
    ["2001:0db8:0000::/48", "2001:db8::/48"],
    ["10.8.0.1/24", undefined],
    ["10.8.0.0", undefined],
    ["pl-1234", undefined],
  ])("turns %s into %s", (input, expected) => {
    expect(canonicalCidrText(input)).toBe(expected);
  });

  it("compares addresses by value, not spelling", () => {
    expect(isSameIp("2600:1f18::A", "2600:1f18:0::a")).toBe(true);
    expect(isSameIp("10.0.0.1", "10.0.0.2")).toBe(false);
    expect(isSameIp("10.0.0.1", "::ffff:a00:1")).toBe(false);
  });
});
