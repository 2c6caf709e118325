import { describe, expect, it } from "vitest";
import { type AnnotationResult, parseServiceAnnotations } from "./parse.js";

const limits = { maxCidrs: 4 };
const parse = (annotations: Record<string, string> | undefined): AnnotationResult =>
  parseServiceAnnotations(annotations, limits);

function errorsOf(result: AnnotationResult): string[] {
  if (result.kind !== "invalid") throw new Error(`expected invalid, got ${result.kind}`);
  return result.errors;
}

describe("parseServiceAnnotations", () => {
  it.each([
    ["no annotations at all", undefined],
    ["an empty annotation map", {}],
    ["only other tools' annotations", { "example.com/cidrs": "10.8.0.0/24", app: "vpn" }],
    ["a look-alike domain", { "vpc-route-sync.example/cidrs": "10.8.0.0/24" }],
  ])("ignores a Service with %s", (_, annotations) => {
    expect(parse(annotations)).toEqual({ kind: "none" });
  });

  it.each([
    ["one CIDR", "10.8.0.0/24", ["10.8.0.0/24"]],
    ["a comma-separated list", "10.8.0.0/24,10.9.0.0/24", ["10.8.0.0/24", "10.9.0.0/24"]],
    ["commas with spaces", "10.8.0.0/24, 10.9.0.0/24", ["10.8.0.0/24", "10.9.0.0/24"]],
    ["whitespace only", "10.8.0.0/24 10.9.0.0/24", ["10.8.0.0/24", "10.9.0.0/24"]],
    ["a YAML block scalar", "10.8.0.0/24\n10.9.0.0/24\n", ["10.8.0.0/24", "10.9.0.0/24"]],
    ["a trailing comma", "10.8.0.0/24,", ["10.8.0.0/24"]],
    ["an IPv6 network", "fd00:8::/64", ["fd00:8::/64"]],
    ["a host route", "10.8.0.7/32", ["10.8.0.7/32"]],
    ["exactly the maximum count", "10.8.0.0/24,10.8.1.0/24,10.8.2.0/24,10.8.3.0/24", 4],
  ])("accepts %s", (_, value, expected) => {
    const result = parse({ "vpc-route-sync.io/cidrs": value });
    if (result.kind !== "valid") throw new Error(JSON.stringify(result));
    const texts = result.request.cidrs.map((cidr) => cidr.text);
    if (typeof expected === "number") expect(texts).toHaveLength(expected);
    else expect(texts).toEqual(expected);
    expect(result.request.routeTables).toBeUndefined();
    expect(result.request.onNoEndpoint).toBe("keep");
  });

  it("reads route tables and on-no-endpoint alongside the CIDRs", () => {
    const azureId =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt";
    expect(
      parse({
        "vpc-route-sync.io/cidrs": "10.8.0.0/24",
        "vpc-route-sync.io/route-tables": `rtb-0123456789abcdef0, ${azureId}`,
        "vpc-route-sync.io/on-no-endpoint": "withdraw",
      }),
    ).toMatchObject({
      kind: "valid",
      request: { routeTables: ["rtb-0123456789abcdef0", azureId], onNoEndpoint: "withdraw" },
    });
  });

  it.each([
    [
      "names the canonical form of a CIDR with host bits set",
      { "vpc-route-sync.io/cidrs": "10.8.0.1/24" },
      'annotation vpc-route-sync.io/cidrs: "10.8.0.1/24" is not a network address; did you mean 10.8.0.0/24?',
    ],
    [
      "refuses an empty value and says how to fix it",
      { "vpc-route-sync.io/cidrs": "" },
      "annotation vpc-route-sync.io/cidrs: is empty; list at least one network such as 10.8.0.0/24, 10.9.0.0/24, or remove the annotation",
    ],
    [
      "refuses a duplicate CIDR",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24, 10.8.0.0/24" },
      "annotation vpc-route-sync.io/cidrs: 10.8.0.0/24 is listed twice; remove the duplicate",
    ],
    [
      "refuses more CIDRs than the limit",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24,10.8.1.0/24,10.8.2.0/24,10.8.3.0/24,10.8.4.0/24" },
      "annotation vpc-route-sync.io/cidrs: lists 5 networks but at most 4 are allowed per Service; merge adjacent networks or split them across Services",
    ],
    [
      "suggests the right key for a near miss",
      { "vpc-route-sync.io/cidr": "10.8.0.0/24" },
      "annotation vpc-route-sync.io/cidr: is not a vpc-route-sync annotation; did you mean vpc-route-sync.io/cidrs?",
    ],
    [
      "suggests the right key for a snake_case spelling",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24", "vpc-route-sync.io/on_no_endpoint": "keep" },
      "annotation vpc-route-sync.io/on_no_endpoint: is not a vpc-route-sync annotation; did you mean vpc-route-sync.io/on-no-endpoint?",
    ],
    [
      "lists the known keys when nothing is close",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24", "vpc-route-sync.io/weight": "5" },
      "annotation vpc-route-sync.io/weight: is not a vpc-route-sync annotation; the known ones are vpc-route-sync.io/cidrs, vpc-route-sync.io/route-tables, vpc-route-sync.io/on-no-endpoint, vpc-route-sync.io/masquerade; rename or remove it",
    ],
    [
      "asks for the CIDRs when only an option is set",
      { "vpc-route-sync.io/on-no-endpoint": "withdraw" },
      "annotation vpc-route-sync.io/cidrs: is missing but vpc-route-sync.io/on-no-endpoint is set; set vpc-route-sync.io/cidrs to the VPN networks, or remove vpc-route-sync.io/on-no-endpoint",
    ],
    [
      "offers the exact spelling of on-no-endpoint",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24", "vpc-route-sync.io/on-no-endpoint": "Withdraw" },
      'annotation vpc-route-sync.io/on-no-endpoint: "Withdraw" is not supported (did you mean withdraw?); use keep (leave the last route in place) or withdraw (remove the routes while no endpoint is ready)',
    ],
    [
      "refuses an empty route-tables value",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24", "vpc-route-sync.io/route-tables": " , " },
      "annotation vpc-route-sync.io/route-tables: is empty; list route table ids such as rtb-0123456789abcdef0, or remove the annotation to use all configured route tables",
    ],
    [
      "refuses a route table id with characters outside the id charset",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24", "vpc-route-sync.io/route-tables": "rtb-1;rm" },
      'annotation vpc-route-sync.io/route-tables: "rtb-1;rm" is not a route table id; use up to 256 letters, digits and . _ / : - (e.g. rtb-0123456789abcdef0)',
    ],
    [
      "refuses a duplicate route table",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24", "vpc-route-sync.io/route-tables": "rtb-1,rtb-1" },
      "annotation vpc-route-sync.io/route-tables: rtb-1 is listed twice; remove the duplicate",
    ],
    [
      "refuses a value too long to read without echoing it",
      { "vpc-route-sync.io/cidrs": "1".repeat(5000) },
      "annotation vpc-route-sync.io/cidrs: value is 5000 characters long; the limit is 4096, so shorten it",
    ],
    [
      "refuses a NUL byte and says where it is",
      { "vpc-route-sync.io/cidrs": "10.8.0.0/24\u0000" },
      "annotation vpc-route-sync.io/cidrs: value contains the control character U+0000 at position 11; remove it",
    ],
  ])("%s", (_, annotations, expected) => {
    expect(errorsOf(parse(annotations))).toContain(expected);
  });

  it("reports every problem of every annotation at once", () => {
    const errors = errorsOf(
      parse({
        "vpc-route-sync.io/cidrs": "10.8.0.1/24, 10.9.0.0/33, 10.9.0.0/24",
        "vpc-route-sync.io/route-tables": "rtb 1,rtb@2",
        "vpc-route-sync.io/on-no-endpoint": "never",
        "vpc-route-sync.io/cidr": "10.8.0.0/24",
      }),
    );
    expect(errors).toHaveLength(5);
    for (const error of errors) expect(error).toMatch(/^annotation vpc-route-sync\.io\/[a-z_-]+: /);
  });

  it("caps per-entry errors so one bad value cannot flood Events", () => {
    const errors = errorsOf(
      parseServiceAnnotations({ "vpc-route-sync.io/cidrs": "x,".repeat(200) }, { maxCidrs: 1000 }),
    );
    expect(errors).toHaveLength(11);
    expect(errors.at(-1)).toBe(
      "annotation vpc-route-sync.io/cidrs: 190 more invalid entries are not shown; fix the ones above first",
    );
  });

  it("hints at the list syntax when the value is JSON", () => {
    expect(errorsOf(parse({ "vpc-route-sync.io/cidrs": '["10.8.0.0/24"]' }))[0]).toBe(
      "annotation vpc-route-sync.io/cidrs: looks like JSON; write a plain comma-separated list such as 10.8.0.0/24, 10.9.0.0/24",
    );
  });

  it("never echoes more than a bounded excerpt of a bad entry", () => {
    const entry = `10.8.0.0/24${"a".repeat(3000)}`;
    for (const error of errorsOf(parse({ "vpc-route-sync.io/cidrs": entry }))) {
      expect(error.length).toBeLessThan(300);
    }
  });
});
