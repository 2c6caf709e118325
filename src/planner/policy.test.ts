import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseServiceAnnotations } from "../annotations/parse.js";
import {
  type Cidr,
  cidrContains,
  cidrsOverlap,
  formatIp,
  mustParseCidr,
  parseCidr,
} from "../domain/cidr.js";
import { type CidrPolicy, checkCidr, isNamespaceAllowed, reservedCidrs } from "./policy.js";

const policy: CidrPolicy = {
  allowedCidrs: [mustParseCidr("10.8.0.0/16"), mustParseCidr("fd00:8::/48")],
  minPrefixLength: { v4: 16, v6: 48 },
  refused: [
    { cidr: mustParseCidr("10.8.200.0/21"), why: "overlaps the VPC CIDR 10.8.200.0/21" },
    { cidr: mustParseCidr("172.31.0.0/16"), why: "overlaps the VPC CIDR 172.31.0.0/16" },
  ],
  ipv6Supported: true,
};

const verdict = (text: string, override: Partial<CidrPolicy> = {}) =>
  checkCidr(mustParseCidr(text), { ...policy, ...override });

describe("checkCidr", () => {
  it.each([
    ["a network inside the allowlist", "10.8.1.0/24"],
    ["the allowlist entry itself", "fd00:8::/48"],
    ["a host route inside the allowlist", "10.8.3.7/32"],
    ["an IPv6 network inside the allowlist", "fd00:8:0:1::/64"],
  ])("allows %s", (_, text) => {
    expect(verdict(text)).toEqual({ allowed: true });
  });

  it.each([
    [
      "refuses the IPv4 default route whatever the allowlist says",
      "0.0.0.0/0",
      { allowedCidrs: [mustParseCidr("0.0.0.0/0")] },
      "vpc-route-sync.io/cidrs: 0.0.0.0/0 is a default route and is always refused; request only the VPN's own networks, e.g. 10.8.0.0/24",
    ],
    [
      "refuses the IPv6 default route",
      "::/0",
      {},
      "vpc-route-sync.io/cidrs: ::/0 is a default route and is always refused; request only the VPN's own networks, e.g. 10.8.0.0/24",
    ],
    [
      "refuses IPv6 when the provider cannot route it",
      "fd00:8::/64",
      { ipv6Supported: false },
      "vpc-route-sync.io/cidrs: fd00:8::/64 is an IPv6 network and this provider does not support IPv6 routes; request IPv4 networks only",
    ],
    [
      "refuses a prefix broader than the minimum",
      "10.0.0.0/12",
      { allowedCidrs: [mustParseCidr("10.0.0.0/8")] },
      "vpc-route-sync.io/cidrs: 10.0.0.0/12 is broader than the minimum prefix length /16; request /16 or longer networks",
    ],
    [
      "applies the IPv6 minimum to IPv6",
      "fd00::/40",
      { allowedCidrs: [mustParseCidr("fd00::/8")] },
      "vpc-route-sync.io/cidrs: fd00::/40 is broader than the minimum prefix length /48; request /48 or longer networks",
    ],
    [
      "refuses a network overlapping the VPC and says why",
      "10.8.200.0/24",
      {},
      "vpc-route-sync.io/cidrs: 10.8.200.0/24 overlaps the VPC CIDR 10.8.200.0/21 and is always refused; use a VPN network that does not overlap it",
    ],
    [
      "refuses the cloud metadata service even when allowed",
      "169.254.169.254/32",
      { allowedCidrs: [mustParseCidr("169.254.0.0/16")] },
      "vpc-route-sync.io/cidrs: 169.254.169.254/32 overlaps the link-local range (cloud metadata service) 169.254.0.0/16 and is always refused; use a VPN network that does not overlap it",
    ],
    [
      "refuses a network outside the allowlist and says who can fix it",
      "10.9.0.0/24",
      { allowedCidrs: [mustParseCidr("10.8.0.0/16")] },
      "vpc-route-sync.io/cidrs: 10.9.0.0/24 is outside the allowed CIDRs 10.8.0.0/16; ask the cluster admin to add it to allowedCidrs",
    ],
    [
      "shortens a long allowlist in the message",
      "10.99.0.0/24",
      {
        allowedCidrs: ["10.1", "10.2", "10.3", "10.4", "10.5", "10.6", "10.7"].map((p) =>
          mustParseCidr(`${p}.0.0/16`),
        ),
      },
      "vpc-route-sync.io/cidrs: 10.99.0.0/24 is outside the allowed CIDRs 10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16, 10.4.0.0/16, 10.5.0.0/16 and 2 more; ask the cluster admin to add it to allowedCidrs",
    ],
    [
      "refuses everything when the allowlist is empty",
      "10.8.0.0/24",
      { allowedCidrs: [] },
      "vpc-route-sync.io/cidrs: 10.8.0.0/24 is outside the allowed CIDRs (none are configured); ask the cluster admin to add it to allowedCidrs",
    ],
  ])("%s", (_, text, override, message) => {
    expect(verdict(text, override)).toEqual({ allowed: false, reason: "CidrNotAllowed", message });
  });

  it("refuses every reserved range even when the allowlist covers it", () => {
    for (const entry of reservedCidrs) {
      const widest = entry.cidr.family === 4 ? "0.0.0.0/1" : "::/1";
      const wide = {
        allowedCidrs: [
          mustParseCidr(widest),
          mustParseCidr(entry.cidr.family === 4 ? "128.0.0.0/1" : "8000::/1"),
        ],
        minPrefixLength: { v4: 1, v6: 1 },
      };
      expect(checkCidr(entry.cidr, { ...policy, ...wide }).allowed).toBe(false);
    }
  });
});

describe("isNamespaceAllowed", () => {
  it.each([
    ["a listed namespace", "vpn", ["vpn", "edge"], true],
    ["an unlisted namespace", "default", ["vpn"], false],
    ["any namespace under *", "anything", ["*"], true],
    ["a namespace differing only in case", "VPN", ["vpn"], false],
    ["a prefix of a listed namespace", "vp", ["vpn"], false],
    ["nothing when the list is empty", "vpn", [], false],
  ])("answers for %s", (_, namespace, allowed, expected) => {
    expect(isNamespaceAllowed(namespace, allowed)).toBe(expected);
  });
});

/** `value/prefix` text, with the host bits cleared when `canonical` (otherwise usually set). */
function cidrText(family: 4 | 6, value: bigint, prefix: number, canonical: boolean): string {
  const width = family === 4 ? 32 : 128;
  const hostBits = (1n << BigInt(width - prefix)) - 1n;
  return `${formatIp(family, canonical ? value & ~hostBits : value)}/${prefix}`;
}

/** Arbitrary CIDRs, biased towards the allowlist so that acceptance is common. */
const arbitraryCidrText: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
      fc.integer({ min: 0, max: 32 }),
      fc.boolean(),
    )
    .map(([value, prefix, canonical]) => cidrText(4, value, prefix, canonical)),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 8, max: 32 }), fc.boolean())
    .map(([low, prefix, canonical]) =>
      cidrText(4, (10n << 24n) | (8n << 16n) | BigInt(low), prefix, canonical),
    ),
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: (1n << 80n) - 1n }),
      fc.integer({ min: 0, max: 128 }),
      fc.boolean(),
    )
    .map(([low, prefix, canonical]) => cidrText(6, (0xfd000008n << 96n) | low, prefix, canonical)),
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      fc.integer({ min: 0, max: 128 }),
      fc.boolean(),
    )
    .map(([value, prefix, canonical]) => cidrText(6, value, prefix, canonical)),
);

/** Text a person (or an attacker) might type: random strings, and CIDR-ish fragments glued together. */
const arbitraryAnnotation: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.oneof(
          { weight: 6, arbitrary: arbitraryCidrText },
          fc.constantFrom(
            "0.0.0.0/0",
            "10.8.0.01/24",
            "10.8.0.0/024",
            "::ffff:a08:0/120",
            "fe80::1%eth0/64",
          ),
        ),
        { maxLength: 4 },
      )
      .chain((parts) =>
        fc.constantFrom(", ", ",", " ", "\n", ";").map((separator) => parts.join(separator)),
      ),
  },
);

/** Everything an accepted CIDR must satisfy, whatever produced it. */
function expectSafe(cidr: Cidr): void {
  const reparsed = parseCidr(cidr.text);
  expect(reparsed.ok && reparsed.cidr.text === cidr.text).toBe(true);
  expect(cidr.prefix).toBeGreaterThan(0);
  expect(cidr.prefix).toBeGreaterThanOrEqual(cidr.family === 4 ? 16 : 48);
  expect(policy.allowedCidrs.some((allowed) => cidrContains(allowed, cidr))).toBe(true);
  for (const entry of [...policy.refused, ...reservedCidrs]) {
    expect(cidrsOverlap(cidr, entry.cidr)).toBe(false);
  }
}

describe("policy properties", () => {
  it("accepts only canonical CIDRs inside the allowlist and clear of refused ranges, from any annotation text", () => {
    let accepted = 0;
    fc.assert(
      fc.property(arbitraryAnnotation, (value) => {
        const parsed = parseServiceAnnotations(
          { "vpc-route-sync.io/cidrs": value },
          { maxCidrs: 32 },
        );
        if (parsed.kind !== "valid") return;
        for (const cidr of parsed.request.cidrs) {
          if (!checkCidr(cidr, policy).allowed) continue;
          accepted++;
          expectSafe(cidr);
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("accepts only safe CIDRs among arbitrary generated ones, host bits and all", () => {
    let accepted = 0;
    fc.assert(
      fc.property(arbitraryCidrText, (text) => {
        const parsed = parseCidr(text);
        if (!parsed.ok || !checkCidr(parsed.cidr, policy).allowed) return;
        accepted++;
        expect(parsed.cidr.text).toBe(text);
        expectSafe(parsed.cidr);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it("allows every subnet of an allowed network", () => {
    fc.assert(
      fc.property(
        arbitraryCidrText,
        fc.integer({ min: 0, max: 128 }),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (text, extra, bits) => {
          const parsed = parseCidr(text);
          if (!parsed.ok || !checkCidr(parsed.cidr, policy).allowed) return;
          const { family, prefix, network } = parsed.cidr;
          const width = family === 4 ? 32 : 128;
          const longer = Math.min(width, prefix + (extra % (width - prefix + 1)));
          const hostMask = (1n << BigInt(width - prefix)) - 1n;
          const keep = ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - longer)) - 1n);
          const subnet = mustParseCidr(
            `${formatIp(family, (network | (bits & hostMask)) & keep)}/${longer}`,
          );
          expect(checkCidr(subnet, policy).allowed).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
