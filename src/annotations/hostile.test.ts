import { describe, expect, it } from "vitest";
import { mustParseCidr } from "../domain/cidr.js";
import { type CidrPolicy, checkCidr } from "../planner/policy.js";
import { parseServiceAnnotations } from "./parse.js";

/**
 * Annotations written by someone who can edit a Service but should not be able to steer VPC
 * traffic. Each must end as an invalid annotation or a policy refusal; none may be accepted.
 */

const policy: CidrPolicy = {
  allowedCidrs: [mustParseCidr("10.8.0.0/16"), mustParseCidr("fd00:8::/48")],
  minPrefixLength: { v4: 16, v6: 48 },
  refused: [
    { cidr: mustParseCidr("172.31.0.0/16"), why: "overlaps the VPC CIDR 172.31.0.0/16" },
    {
      cidr: mustParseCidr("10.8.128.0/20"),
      why: "overlaps the cluster service CIDR 10.8.128.0/20",
    },
  ],
  ipv6Supported: true,
};

type Outcome =
  | { kind: "none" }
  | { kind: "invalid"; messages: string[] }
  | { kind: "refused"; messages: string[] }
  | { kind: "accepted"; cidrs: string[] };

/** Parse, then apply the policy all-or-nothing, as the planner does. */
function evaluate(
  annotations: Record<string, string>,
  override: Partial<CidrPolicy> = {},
): Outcome {
  const parsed = parseServiceAnnotations(annotations, { maxCidrs: 32 });
  if (parsed.kind === "none") return parsed;
  if (parsed.kind === "invalid") return { kind: "invalid", messages: parsed.errors };
  const messages = parsed.request.cidrs.flatMap((cidr) => {
    const verdict = checkCidr(cidr, { ...policy, ...override });
    return verdict.allowed ? [] : [verdict.message];
  });
  if (messages.length > 0) return { kind: "refused", messages };
  return { kind: "accepted", cidrs: parsed.request.cidrs.map((cidr) => cidr.text) };
}

const cidrs = (value: string): Record<string, string> => ({ "vpc-route-sync.io/cidrs": value });
const many = (count: number): string =>
  Array.from({ length: count }, (_, i) => `10.8.${i % 256}.${Math.floor(i / 256)}/32`).join(",");

type Case = [string, Record<string, string>, "invalid" | "refused", RegExp, Partial<CidrPolicy>?];

const cases: Case[] = [
  ["the IPv4 default route", cidrs("0.0.0.0/0"), "refused", /0\.0\.0\.0\/0 is a default route/],
  ["the IPv6 default route", cidrs("::/0"), "refused", /::\/0 is a default route/],
  [
    "half the IPv4 space (low)",
    cidrs("0.0.0.0/1"),
    "refused",
    /broader than the minimum prefix length \/16/,
  ],
  ["half the IPv4 space (high)", cidrs("128.0.0.0/1"), "refused", /broader than the minimum/],
  ["a /8 inside private space", cidrs("10.0.0.0/8"), "refused", /broader than the minimum/],
  ["a broad IPv6 prefix", cidrs("fd00::/8"), "refused", /minimum prefix length \/48/],
  ["host bits set", cidrs("10.8.0.1/24"), "invalid", /did you mean 10\.8\.0\.0\/24\?/],
  ["leading zeros in octets", cidrs("010.008.000.000/24"), "invalid", /malformed address/],
  ["an octet of 256", cidrs("10.8.0.256/32"), "invalid", /malformed address/],
  ["octal-looking octets", cidrs("012.010.0.0/24"), "invalid", /malformed address/],
  ["hexadecimal octets", cidrs("0x0a.0x08.0.0/24"), "invalid", /malformed address/],
  ["a plain integer address", cidrs("168296448/24"), "invalid", /malformed address/],
  ["the short dotted form", cidrs("10.8/16"), "invalid", /malformed address/],
  ["a trailing dot", cidrs("10.8.0.0./24"), "invalid", /malformed address/],
  [
    "an IPv4-mapped IPv6 address in dotted form",
    cidrs("::ffff:10.8.0.0/120"),
    "invalid",
    /malformed/,
  ],
  ["an IPv4-mapped IPv6 address in hex", cidrs("::ffff:a08:0/120"), "refused", /IPv4-mapped/],
  ["an IPv4-compatible IPv6 address", cidrs("::10.8.0.0/120"), "invalid", /malformed/],
  ["an IPv6 zone id", cidrs("fe80::1%eth0/64"), "invalid", /malformed address/],
  ["IPv6 link-local space", cidrs("fe80::/64"), "refused", /IPv6 link-local/],
  ["upper-case IPv6", cidrs("FD00:8::/64"), "invalid", /write it as fd00:8::\/64/],
  ["uncompressed IPv6", cidrs("fd00:8:0:0:0:0:0:0/64"), "invalid", /write it as fd00:8::\/64/],
  ["a needlessly spelled IPv6 default route", cidrs("0::/0"), "invalid", /write it as ::\/0/],
  ["Arabic-Indic digits", cidrs("١٠.8.0.0/24"), "invalid", /non-ASCII character U\+0661/],
  ["full-width digits", cidrs("１０.8.0.0/24"), "invalid", /non-ASCII character U\+FF11/],
  ["a full-width slash", cidrs("10.8.0.0／24"), "invalid", /non-ASCII character U\+FF0F/],
  ["a division slash", cidrs("10.8.0.0∕24"), "invalid", /non-ASCII character U\+2215/],
  [
    "a non-breaking space as separator",
    cidrs("10.8.0.0/24\u00a010.8.1.0/24"),
    "invalid",
    /U\+00A0/,
  ],
  [
    "a newline smuggling another annotation",
    cidrs("10.8.0.0/24\nvpc-route-sync.io/on-no-endpoint: withdraw"),
    "invalid",
    /"vpc-route-sync.io\/on-no-endpoint:" has a malformed address/,
  ],
  [
    "a CRLF header injection",
    cidrs("10.8.0.0/24\r\nX-Injected: 1"),
    "invalid",
    /"X-Injected:" is not a CIDR/,
  ],
  [
    "a NUL byte hiding a default route",
    cidrs("10.8.0.0/24\u00000.0.0.0/0"),
    "invalid",
    /control character U\+0000/,
  ],
  ["a right-to-left override", cidrs("10.8.0.0/24\u202e"), "invalid", /control character U\+202E/],
  ["a zero-width space", cidrs("10.8.0.0\u200b/24"), "invalid", /control character U\+200B/],
  ["a byte-order mark", cidrs("\ufeff10.8.0.0/24"), "invalid", /control character U\+FEFF/],
  [
    "an escape sequence for terminals",
    cidrs("\u001b[2J10.8.0.0/24"),
    "invalid",
    /control character U\+001B/,
  ],
  [
    "a Unicode line separator",
    cidrs("10.8.0.0/24\u20280.0.0.0/0"),
    "invalid",
    /control character U\+2028/,
  ],
  ["10,000 entries", cidrs(many(10_000)), "invalid", /characters long; the limit is 4096/],
  ["a 1 MB value", cidrs("1".repeat(1 << 20)), "invalid", /value is 1048576 characters long/],
  [
    "more entries than allowed per Service",
    cidrs(many(33)),
    "invalid",
    /lists 33 networks but at most 32/,
  ],
  ["an empty value", cidrs(""), "invalid", /is empty/],
  ["only commas", cidrs(",,,,"), "invalid", /is empty/],
  ["only whitespace", cidrs("  \n\t "), "invalid", /is empty/],
  ["a JSON array", cidrs('["10.8.0.0/24"]'), "invalid", /looks like JSON/],
  ["a JSON object", cidrs('{"cidrs":"10.8.0.0/24"}'), "invalid", /looks like JSON/],
  ["a YAML list", cidrs("- 10.8.0.0/24\n- 10.8.1.0/24"), "invalid", /looks like a YAML list/],
  [
    "semicolons as separators",
    cidrs("10.8.0.0/24;10.8.1.0/24"),
    "invalid",
    /invalid prefix length/,
  ],
  ["spaces around the slash", cidrs("10.8.0.0 / 24"), "invalid", /did you mean 10\.8\.0\.0\/32\?/],
  ["a missing prefix", cidrs("10.8.0.0"), "invalid", /expected address\/prefix/],
  ["two prefixes", cidrs("10.8.0.0/24/24"), "invalid", /invalid prefix length/],
  ["a negative prefix", cidrs("10.8.0.0/-1"), "invalid", /invalid prefix length/],
  ["prefix 33", cidrs("10.8.0.0/33"), "invalid", /from 0 to 32/],
  ["IPv6 prefix 129", cidrs("fd00:8::/129"), "invalid", /from 0 to 128/],
  ["a zero-padded prefix", cidrs("10.8.0.0/024"), "invalid", /invalid prefix length/],
  ["a prefix with a plus sign", cidrs("10.8.0.0/+24"), "invalid", /invalid prefix length/],
  ["an address with a port", cidrs("10.8.0.0:443/24"), "invalid", /malformed address/],
  ["a URL instead of a CIDR", cidrs("ip://10.8.0.0/24"), "invalid", /malformed address/],
  ["the same CIDR twice", cidrs("10.8.0.0/24, 10.8.0.0/24"), "invalid", /listed twice/],
  [
    "a second key differing only in case",
    { "vpc-route-sync.io/cidrs": "10.8.0.0/24", "vpc-route-sync.io/CIDRS": "0.0.0.0/0" },
    "invalid",
    /CIDRS: is not a vpc-route-sync annotation; did you mean vpc-route-sync.io\/cidrs\?/,
  ],
  [
    "only an upper-case key",
    { "vpc-route-sync.io/CIDRS": "10.8.0.0/24" },
    "invalid",
    /did you mean vpc-route-sync.io\/cidrs\?/,
  ],
  [
    "a mixed-case prefix",
    { "VPC-Route-Sync.io/cidrs": "10.8.0.0/24" },
    "invalid",
    /VPC-Route-Sync.io\/cidrs: is not a vpc-route-sync annotation/,
  ],
  [
    "a prototype key",
    JSON.parse('{"vpc-route-sync.io/cidrs":"10.8.0.0/24","vpc-route-sync.io/__proto__":"x"}'),
    "invalid",
    /__proto__: is not a vpc-route-sync annotation/,
  ],
  [
    "a shell metacharacter in route-tables",
    { ...cidrs("10.8.0.0/24"), "vpc-route-sync.io/route-tables": "rtb-1;reboot" },
    "invalid",
    /is not a route table id/,
  ],
  [
    "a URL in route-tables",
    { ...cidrs("10.8.0.0/24"), "vpc-route-sync.io/route-tables": "https://evil.example/?x" },
    "invalid",
    /is not a route table id/,
  ],
  [
    "a trailing newline in on-no-endpoint",
    { ...cidrs("10.8.0.0/24"), "vpc-route-sync.io/on-no-endpoint": "withdraw\n" },
    "invalid",
    /did you mean withdraw\?/,
  ],
  [
    "a network outside the allowlist",
    cidrs("10.9.0.0/24"),
    "refused",
    /outside the allowed CIDRs 10\.8\.0\.0\/16, fd00:8::\/48; ask the cluster admin/,
  ],
  [
    "a range overlapping the VPC CIDR",
    cidrs("172.31.5.0/24"),
    "refused",
    /overlaps the VPC CIDR 172\.31\.0\.0\/16/,
  ],
  [
    "a cluster range inside the allowlist",
    cidrs("10.8.130.0/24"),
    "refused",
    /overlaps the cluster service CIDR/,
  ],
  [
    "a supernet of a cluster range",
    cidrs("10.8.0.0/16"),
    "refused",
    /overlaps the cluster service CIDR/,
  ],
  ["the loopback range", cidrs("127.0.0.0/16"), "refused", /overlaps the loopback range/],
  ["the cloud metadata service", cidrs("169.254.169.254/32"), "refused", /cloud metadata service/],
  ["multicast", cidrs("224.0.0.0/24"), "refused", /multicast/],
  ["the broadcast address", cidrs("255.255.255.255/32"), "refused", /broadcast/],
  [
    "a valid network smuggling a default route",
    cidrs("10.8.0.0/24, 0.0.0.0/0"),
    "refused",
    /default route/,
  ],
  [
    "a valid network smuggling a /1",
    cidrs("10.8.0.0/24 128.0.0.0/1"),
    "refused",
    /broader than the minimum/,
  ],
  [
    "IPv6 on a provider without IPv6",
    cidrs("fd00:8::/64"),
    "refused",
    /does not support IPv6 routes/,
    { ipv6Supported: false },
  ],
];

describe("hostile annotations", () => {
  it("has at least 50 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)("refuses %s", (_, annotations, expected, pattern, override) => {
    const outcome = evaluate(annotations, override);
    expect(outcome.kind).toBe(expected);
    if (outcome.kind !== "invalid" && outcome.kind !== "refused") return;
    expect(outcome.messages.some((message) => pattern.test(message))).toBe(true);
    for (const message of outcome.messages) {
      expect(message).toMatch(
        /^(annotation vpc-route-sync\.io\/\S+: |vpc-route-sync\.io\/cidrs: )/i,
      );
      expect(message.length).toBeLessThan(400);
    }
  });
});
