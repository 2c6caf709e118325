/**
 * What a hostile or careless hand writes, as fast-check arbitraries: CIDR text of every shape,
 * annotation values and maps, and admin policies (the controller's flags, VRS_ variables and
 * config files are in resilience-hostile-config-inputs.ts). Biased so that acceptance is common
 * enough for the properties to bite.
 */
import fc from "fast-check";
import { formatIp, mustParseCidr, parseCidr } from "../../src/domain/cidr.js";
import type { CidrPolicy } from "../../src/planner/policy.js";

const prefix = "vpc-route-sync.io/";
const known = ["cidrs", "route-tables", "on-no-endpoint", "masquerade"].map((k) => prefix + k);

/** `value/prefix`, host bits cleared when `canonical` (otherwise usually set). */
function cidrText(family: 4 | 6, value: bigint, length: number, canonical: boolean): string {
  const width = family === 4 ? 32 : 128;
  const host = (1n << BigInt(width - length)) - 1n;
  return `${formatIp(family, canonical ? value & ~host : value)}/${length}`;
}

/** CIDR-looking text, biased towards 10.8.0.0/16 and fd00:8::/48 so that acceptance is common. */
export const arbitraryCidrText: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }),
      fc.integer({ min: 0, max: 32 }),
      fc.boolean(),
    )
    .map(([v, l, c]) => cidrText(4, v, l, c)),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 8, max: 32 }), fc.boolean())
    .map(([low, l, c]) => cidrText(4, (10n << 24n) | (8n << 16n) | BigInt(low), l, c)),
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: (1n << 80n) - 1n }),
      fc.integer({ min: 0, max: 128 }),
      fc.boolean(),
    )
    .map(([low, l, c]) => cidrText(6, (0xfd000008n << 96n) | low, l, c)),
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      fc.integer({ min: 0, max: 128 }),
      fc.boolean(),
    )
    .map(([v, l, c]) => cidrText(6, v, l, c)),
);

/** Spellings that have fooled parsers elsewhere: octal, hex, zones, mapped IPv6, look-alikes. */
const trickyEntries = [
  "0.0.0.0/0",
  "::/0",
  "10.8.0.1/24",
  "010.8.0.0/24",
  "10.8.0.0/024",
  "0x0a.8.0.0/24",
  "10.8.0.0/+24",
  "10.8.0.0/-1",
  "10.8.0.0/33",
  "10.8.0.0/24/24",
  "10.8/16",
  "10.8.0.0",
  "10.8.0.0/",
  "/24",
  "fd00:8::/48%eth0",
  "fe80::1%eth0/64",
  "::ffff:10.8.0.0/120",
  "::ffff:a08:0/120",
  "FD00:8::/48",
  "fd00:8:0:0:0:0:0:0/48",
  "１０.8.0.0/24",
  "10.8.0.0\u200b/24",
  "10.8.0.0/24\u0000",
  "\u202e42/0.0.8.01",
  "169.254.169.254/32",
  "127.0.0.1/32",
  "10.8.0.0/16 ",
];

/** Canonical CIDRs only, biased like `arbitraryCidrText`: what a careful user writes. */
const canonicalCidrText: fc.Arbitrary<string> = arbitraryCidrText.map((text) => {
  const parsed = parseCidr(text);
  if (parsed.ok) return parsed.cidr.text;
  const [address = "", length = "0"] = text.split("/");
  const ip = parseCidr(`${address}/${address.includes(":") ? 128 : 32}`);
  const width = address.includes(":") ? 128 : 32;
  if (!ip.ok) return text;
  const host = (1n << BigInt(width - Number(length))) - 1n;
  return `${formatIp(ip.cidr.family, ip.cidr.network & ~host)}/${length}`;
});

/** Canonical networks inside 10.8.0.0/16, the allowlist every policy here contains. */
const inAllowlist: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 16, max: 32 }))
  .map(([low, length]) => cidrText(4, (10n << 24n) | (8n << 16n) | BigInt(low), length, true));

/** Annotation values: clean lists, lists salted with tricky entries, random text of every kind. */
export const arbitraryAnnotationValue: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(fc.oneof({ weight: 3, arbitrary: inAllowlist }, canonicalCidrText), {
        minLength: 1,
        maxLength: 8,
      })
      .chain((parts) => fc.constantFrom(", ", ",", " ", "\n").map((sep) => parts.join(sep))),
  },
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof({ weight: 5, arbitrary: arbitraryCidrText }, fc.constantFrom(...trickyEntries)),
        { maxLength: 40 },
      )
      .chain((parts) =>
        fc.constantFrom(", ", ",", " ", "\n", ";", ",,", "\t").map((sep) => parts.join(sep)),
      ),
  },
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("keep", "withdraw", "Keep", "true", "false", "yes", "[]", "- 10.8.0.0/24"),
  fc.string({ minLength: 4000, maxLength: 4200, unit: fc.constantFrom("1", "0", ".", "/", ",") }),
);

/** Annotation maps: mostly a cidrs annotation with options; also near misses and unknown keys. */
export const arbitraryAnnotations: fc.Arbitrary<Record<string, string>> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        [`${prefix}cidrs`]: arbitraryAnnotationValue,
        [`${prefix}on-no-endpoint`]: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom("keep", "withdraw") },
          fc.string({ maxLength: 12 }),
        ),
        [`${prefix}route-tables`]: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom("rtb-a", "rtb-b", "rtb-a, rtb-b", "rtb-z") },
          fc.string({ maxLength: 20 }),
        ),
      },
      { requiredKeys: [`${prefix}cidrs`] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.dictionary(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...known) },
        fc.constantFrom(
          `${prefix}CIDRS`,
          `${prefix}cidr`,
          `${prefix}cidrs `,
          "VPC-ROUTE-SYNC.IO/cidrs",
        ),
        fc.string({ maxLength: 30 }).map((key) => prefix + key),
        fc.string({ maxLength: 30 }),
      ),
      arbitraryAnnotationValue,
      { maxKeys: 5 },
    ),
  },
);

/** Admin policies: allowlists of any breadth except /0, any minimums, refused ranges, v6 or not. */
export const arbitraryPolicy: fc.Arbitrary<CidrPolicy> = fc.record({
  allowedCidrs: fc.array(arbitraryCidrText, { maxLength: 4 }).map((texts) => [
    mustParseCidr("10.8.0.0/16"),
    ...texts.flatMap((t) => {
      const p = parseCidr(t);
      return p.ok && p.cidr.prefix > 0 ? [p.cidr] : [];
    }),
  ]),
  minPrefixLength: fc.record({
    v4: fc.oneof({ weight: 3, arbitrary: fc.constant(16) }, fc.integer({ min: 1, max: 32 })),
    v6: fc.oneof({ weight: 3, arbitrary: fc.constant(48) }, fc.integer({ min: 1, max: 128 })),
  }),
  refused: fc.array(arbitraryCidrText, { maxLength: 3 }).map((texts) =>
    texts.flatMap((t) => {
      const p = parseCidr(t);
      return p.ok ? [{ cidr: p.cidr, why: `overlaps ${p.cidr.text}` }] : [];
    }),
  ),
  ipv6Supported: fc.boolean(),
});
