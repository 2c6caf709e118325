import { describe, expect, it } from "vitest";
import { encodeForm, filterParams, tagParams } from "./params.js";

describe("EC2 Query parameters", () => {
  it("numbers filters and their values from 1", () => {
    expect(
      filterParams([
        { name: "route-table-id", values: ["rtb-1", "rtb-2"] },
        { name: "tag:team", values: ["net"] },
      ]),
    ).toEqual({
      "Filter.1.Name": "route-table-id",
      "Filter.1.Value.1": "rtb-1",
      "Filter.1.Value.2": "rtb-2",
      "Filter.2.Name": "tag:team",
      "Filter.2.Value.1": "net",
    });
  });

  it("sends each tag's key and value, an empty value included", () => {
    expect(
      tagParams([
        { key: "a", value: "1" },
        { key: "b", value: "" },
      ]),
    ).toEqual({ "Tag.1.Key": "a", "Tag.1.Value": "1", "Tag.2.Key": "b", "Tag.2.Value": "" });
  });

  it("form-encodes Action and Version first, then the parameters, leaving out undefined ones", () => {
    expect(encodeForm("DescribeVpcs", { MaxResults: "100", NextToken: undefined })).toBe(
      "Action=DescribeVpcs&Version=2016-11-15&MaxResults=100",
    );
  });

  it("percent-encodes everything but unreserved characters, so the values survive intact", () => {
    const body = encodeForm("CreateTags", {
      "Tag.1.Key": "vpc-route-sync.io/route/10.8.0.0/24",
      "Tag.1.Value": "a b+c*(d)!'~é&=",
    });
    expect(body).toBe(
      "Action=CreateTags&Version=2016-11-15&Tag.1.Key=vpc-route-sync.io%2Froute%2F10.8.0.0%2F24&Tag.1.Value=a%20b%2Bc%2A%28d%29%21%27~%C3%A9%26%3D",
    );
    expect(new URLSearchParams(body).get("Tag.1.Value")).toBe("a b+c*(d)!'~é&=");
  });
});
