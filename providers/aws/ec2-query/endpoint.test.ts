import { describe, expect, it } from "vitest";
import { ec2Endpoint, endpointVariants } from "./endpoint.js";

const none = { fips: false, dualStack: false };
const fips = { fips: true, dualStack: false };
const dualStack = { fips: false, dualStack: true };
const both = { fips: true, dualStack: true };

describe("ec2Endpoint", () => {
  // Expectations taken from the AWS SDK's own EC2 endpoint resolver (@aws-sdk/client-ec2).
  it.each([
    ["us-east-1", none, "https://ec2.us-east-1.amazonaws.com/"],
    ["eu-west-1", none, "https://ec2.eu-west-1.amazonaws.com/"],
    ["il-central-1", none, "https://ec2.il-central-1.amazonaws.com/"],
    ["cn-north-1", none, "https://ec2.cn-north-1.amazonaws.com.cn/"],
    ["cn-northwest-1", none, "https://ec2.cn-northwest-1.amazonaws.com.cn/"],
    ["us-gov-west-1", none, "https://ec2.us-gov-west-1.amazonaws.com/"],
    ["eusc-de-east-1", none, "https://ec2.eusc-de-east-1.amazonaws.eu/"],
    ["us-iso-east-1", none, "https://ec2.us-iso-east-1.c2s.ic.gov/"],
    ["us-isob-east-1", none, "https://ec2.us-isob-east-1.sc2s.sgov.gov/"],
    ["eu-isoe-west-1", none, "https://ec2.eu-isoe-west-1.cloud.adc-e.uk/"],
    ["us-isof-south-1", none, "https://ec2.us-isof-south-1.csp.hci.ic.gov/"],
    ["us-east-1", fips, "https://ec2-fips.us-east-1.amazonaws.com/"],
    ["us-gov-west-1", fips, "https://ec2.us-gov-west-1.amazonaws.com/"],
    ["cn-north-1", fips, "https://ec2-fips.cn-north-1.amazonaws.com.cn/"],
    ["us-east-1", dualStack, "https://ec2.us-east-1.api.aws/"],
    ["cn-north-1", dualStack, "https://ec2.cn-north-1.api.amazonwebservices.com.cn/"],
    ["us-gov-west-1", dualStack, "https://ec2.us-gov-west-1.api.aws/"],
    ["us-gov-west-1", both, "https://ec2-fips.us-gov-west-1.api.aws/"],
    ["us-east-1", both, "https://ec2-fips.us-east-1.api.aws/"],
  ])("resolves %s with %o to %s", (region, variants, expected) => {
    expect(ec2Endpoint(region, undefined, variants).href).toBe(expected);
  });

  it("uses the override as given, for LocalStack and the fault proxy, whatever the variants", () => {
    expect(ec2Endpoint("us-east-1", "http://127.0.0.1:4566", both).href).toBe(
      "http://127.0.0.1:4566/",
    );
    expect(ec2Endpoint("us-east-1", "https://ec2.example.test/base/").pathname).toBe("/base/");
  });

  it("refuses an override that is not http(s)", () => {
    expect(() => ec2Endpoint("us-east-1", "ftp://127.0.0.1/")).toThrow(/not an http\(s\) URL/);
  });
});

describe("endpointVariants", () => {
  it("switches FIPS and dual-stack on only for the value true, as the SDK does", () => {
    expect(endpointVariants({})).toEqual(none);
    expect(endpointVariants({ AWS_USE_FIPS_ENDPOINT: "TRUE" })).toEqual(fips);
    expect(endpointVariants({ AWS_USE_DUALSTACK_ENDPOINT: "true" })).toEqual(dualStack);
    expect(
      endpointVariants({ AWS_USE_FIPS_ENDPOINT: "1", AWS_USE_DUALSTACK_ENDPOINT: "no" }),
    ).toEqual(none);
  });
});
