/**
 * Fuzzing of everything a hostile or careless hand can write: Service annotations (anyone who
 * can edit a Service), and the controller's own flags, VRS_ variables and config file (Helm
 * values). Properties: nothing crashes (only the documented result types, or ConfigError), and
 * no CIDR is ever accepted, or planned as a route, unless it is canonical, inside the admin's
 * allowlist, at least the minimum prefix long and clear of refused and reserved ranges. The 74
 * named hostile cases live in src/annotations/hostile.test.ts; this is their randomised sibling.
 */
import fc from "fast-check";
import { parseServiceAnnotations } from "../../src/annotations/parse.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/types.js";
import { type Cidr, cidrContains, cidrsOverlap, parseCidr } from "../../src/domain/cidr.js";
import { isConfigError } from "../../src/errors.js";
import { planRoutes } from "../../src/planner/plan.js";
import { type CidrPolicy, checkCidr, reservedCidrs } from "../../src/planner/policy.js";
import { targetKey } from "../../src/planner/target-selection.js";
import { arbitraryConfigInput } from "./resilience-hostile-config-inputs.js";
import {
  arbitraryAnnotations,
  arbitraryCidrText,
  arbitraryPolicy,
} from "./resilience-hostile-inputs.js";

const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function fail(message: string, value: unknown): never {
  throw new Error(
    `${message}: ${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`,
  );
}

/** The safety property of one accepted CIDR under `policy`. */
export function assertSafe(cidr: Cidr, policy: CidrPolicy): void {
  const reparsed = parseCidr(cidr.text);
  if (!reparsed.ok || reparsed.cidr.text !== cidr.text)
    fail("accepted a non-canonical CIDR", cidr.text);
  const minimum = cidr.family === 4 ? policy.minPrefixLength.v4 : policy.minPrefixLength.v6;
  if (cidr.prefix === 0 || cidr.prefix < minimum) fail("accepted a too broad CIDR", cidr.text);
  if (cidr.family === 6 && !policy.ipv6Supported) fail("accepted IPv6 without support", cidr.text);
  if (!policy.allowedCidrs.some((allowed) => cidrContains(allowed, cidr)))
    fail("accepted a CIDR outside the allowlist", cidr.text);
  for (const entry of [...policy.refused, ...reservedCidrs]) {
    if (cidrsOverlap(cidr, entry.cidr))
      fail(`accepted a CIDR overlapping ${entry.cidr.text}`, cidr.text);
  }
}

/** Counts of what a fuzz run saw, so a test can check the run exercised acceptance at all. */
export interface FuzzStats {
  runs: number;
  valid: number;
  accepted: number;
  refused: number;
  invalid: number;
}

const emptyStats = (runs: number): FuzzStats => ({
  runs,
  valid: 0,
  accepted: 0,
  refused: 0,
  invalid: 0,
});

/** Annotations -> parser -> policy: total, bounded messages, and only safe CIDRs accepted. */
export function fuzzAnnotationsAndPolicy(numRuns: number, seed: number): FuzzStats {
  const stats = emptyStats(numRuns);
  fc.assert(
    fc.property(
      arbitraryAnnotations,
      arbitraryPolicy,
      fc.integer({ min: 1, max: 64 }),
      (annotations, policy, maxCidrs) => {
        const parsed = parseServiceAnnotations(annotations, { maxCidrs });
        if (parsed.kind === "none") return;
        if (parsed.kind === "invalid") {
          stats.invalid++;
          if (parsed.errors.length === 0 || parsed.errors.length > 60)
            fail("odd error count", parsed.errors);
          for (const e of parsed.errors) {
            if (typeof e !== "string" || e.length === 0 || e.length > 1_500)
              fail("unbounded message", e);
          }
          return;
        }
        if (parsed.kind !== "valid") fail("undocumented result", parsed);
        stats.valid++;
        const { cidrs, onNoEndpoint } = parsed.request;
        if (cidrs.length === 0 || cidrs.length > maxCidrs)
          fail("CIDR count outside 1..maxCidrs", cidrs.length);
        if (onNoEndpoint !== "keep" && onNoEndpoint !== "withdraw")
          fail("odd on-no-endpoint", onNoEndpoint);
        for (const cidr of cidrs) {
          const reparsed = parseCidr(cidr.text);
          if (!reparsed.ok || reparsed.cidr.text !== cidr.text)
            fail("parsed a non-canonical CIDR", cidr.text);
          const verdict = checkCidr(cidr, policy);
          if (verdict.allowed) {
            stats.accepted++;
            assertSafe(cidr, policy);
          } else {
            stats.refused++;
            if (!verdict.message.startsWith(`vpc-route-sync.io/cidrs: ${cidr.text} `))
              fail("refusal does not name the CIDR", verdict);
          }
        }
      },
    ),
    { numRuns, seed },
  );
  return stats;
}

/** The invariants of a Config that loadConfig accepted. */
function assertValidConfig(config: Config): void {
  if (!["aws", "gcp", "azure"].includes(config.provider)) fail("odd provider", config.provider);
  if (config.clusterId.trim() === "") fail("empty cluster id", config.clusterId);
  if (config.allowedCidrs.length === 0) fail("empty allowlist", config.allowedCidrs);
  for (const cidr of config.allowedCidrs) {
    const reparsed = parseCidr(cidr.text);
    if (!reparsed.ok || reparsed.cidr.text !== cidr.text || cidr.prefix === 0)
      fail("allowlist entry not canonical or /0", cidr.text);
    if (config.clusterCidrs.some((cluster) => cidrContains(cluster, cidr)))
      fail("allowlist entry inside a cluster CIDR", cidr.text);
  }
  const ns = config.allowedNamespaces;
  const namespacesOk =
    ns.length > 0 && (ns.includes("*") ? ns.length === 1 : ns.every((n) => dns1123Label.test(n)));
  if (!namespacesOk) fail("odd allowed namespaces", ns);
  const { v4, v6 } = config.minPrefixLength;
  if (!(v4 >= 1 && v4 <= 32 && v6 >= 1 && v6 <= 128))
    fail("odd minimum prefix", config.minPrefixLength);
  const le = config.leaderElection;
  if (
    le.enabled &&
    !(le.leaseDurationMs > le.renewDeadlineMs && le.renewDeadlineMs > 1.2 * le.retryPeriodMs)
  )
    fail("leader election timings that allow two leaders", le);
  if (!(config.writesPerSecond > 0 && config.writesPerSecond <= 5))
    fail("odd write rate", config.writesPerSecond);
}

/**
 * Flags + environment + config file -> loadConfig: a Config or a ConfigError, nothing else; an
 * accepted Config is consistent; and annotations judged under its policy accept only safe CIDRs.
 */
export function fuzzConfigLoader(numRuns: number, seed: number): FuzzStats & { loaded: number } {
  const stats = { ...emptyStats(numRuns), loaded: 0 };
  fc.assert(
    fc.property(arbitraryConfigInput, arbitraryAnnotations, (input, annotations) => {
      const options: Record<string, unknown> = { ...input.options };
      if (input.file !== undefined) options.config = "/etc/vpc-route-sync/config.yaml";
      let config: Config;
      try {
        config = loadConfig({
          options,
          env: input.env,
          readFile: (path) => {
            if (path.endsWith("config.yaml") && input.file !== undefined) return input.file;
            throw new Error(`ENOENT: no such file ${path}`);
          },
          hostname: () => "controller-0",
          randomHex: () => "0123abcd",
        });
      } catch (error) {
        if (!isConfigError(error)) throw error;
        stats.invalid++;
        return;
      }
      stats.loaded++;
      assertValidConfig(config);
      const policy: CidrPolicy = {
        allowedCidrs: config.allowedCidrs,
        minPrefixLength: config.minPrefixLength,
        refused: config.clusterCidrs.map((cidr) => ({ cidr, why: `overlaps ${cidr.text}` })),
        ipv6Supported: true,
      };
      const parsed = parseServiceAnnotations(annotations, { maxCidrs: config.maxCidrsPerService });
      if (parsed.kind !== "valid") return;
      stats.valid++;
      for (const cidr of parsed.request.cidrs) {
        if (!checkCidr(cidr, policy).allowed) continue;
        stats.accepted++;
        assertSafe(cidr, policy);
      }
    }),
    { numRuns, seed },
  );
  return stats;
}

/**
 * The whole pure pipeline: hostile annotations of several Services -> parser -> planner with a
 * random policy and random observed routes. Every create or replace the planner emits must be
 * for a safe CIDR; the planner never throws.
 */
export function fuzzPlannerPipeline(numRuns: number, seed: number): FuzzStats {
  const stats = emptyStats(numRuns);
  const tables = ["rtb-a", "rtb-b"];
  const nodes = ["node-a", "node-b"];
  fc.assert(
    fc.property(
      fc.array(arbitraryAnnotations, { minLength: 1, maxLength: 3 }),
      arbitraryPolicy,
      fc.array(
        fc.record({
          table: fc.constantFrom(...tables),
          cidr: arbitraryCidrText,
          owned: fc.boolean(),
          service: fc.constantFrom("vpn/s0", "vpn/s1", "vpn/gone"),
        }),
        { maxLength: 6 },
      ),
      fc.boolean(),
      (services, policy, observed, adopt) => {
        const intents = services.flatMap((annotations, i) => {
          const parsed = parseServiceAnnotations(annotations, { maxCidrs: 32 });
          if (parsed.kind !== "valid") return [];
          stats.valid++;
          return [
            {
              key: `vpn/s${i}`,
              createdAt: `2026-01-0${i + 1}T00:00:00Z`,
              cidrs: parsed.request.cidrs,
              routeTables: parsed.request.routeTables,
              onNoEndpoint: parsed.request.onNoEndpoint,
              endpoints: [
                {
                  address: `10.244.0.${i}`,
                  nodeName: nodes[i % 2],
                  ready: true,
                  terminating: false,
                },
              ],
            },
          ];
        });
        const plan = planRoutes({
          clusterId: "c1",
          policy,
          adoptExistingRoutes: adopt,
          intents,
          frozen: [],
          tables: tables.map((id) => ({
            id,
            routes: observed
              .filter((r) => r.table === id)
              .filter((r, i, all) => all.findIndex((x) => x.cidr === r.cidr) === i)
              .map((r) => ({
                table: id,
                cidr: r.cidr,
                targetId: "eni-x",
                targetDescription: "eni-x",
                owner: r.owned ? { clusterId: "c1", service: r.service } : undefined,
                exists: true,
              })),
          })),
          targets: new Map(
            nodes.flatMap((n) =>
              [4, 6].map(
                (f) => [targetKey(n, f as 4 | 6), { id: `eni-${n}`, nodeName: n }] as const,
              ),
            ),
          ),
        });
        for (const action of plan.actions) {
          if (action.kind !== "create" && action.kind !== "replace") continue;
          stats.accepted++;
          const parsed = parseCidr(action.cidr);
          if (!parsed.ok) fail("planned an unparsable CIDR", action);
          assertSafe(parsed.cidr, policy);
        }
        stats.refused += plan.refusals.length;
      },
    ),
    { numRuns, seed },
  );
  return stats;
}
