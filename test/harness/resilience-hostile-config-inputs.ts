/**
 * The controller's flags, VRS_ variables and config files as a hostile or careless hand writes
 * them, as fast-check arbitraries, layered over a valid configuration so that acceptance is
 * common enough for the properties to bite.
 */
import fc from "fast-check";
import { dump } from "js-yaml";
import { envName, optionKey } from "../../src/config/setting.js";
import { allSettings } from "../../src/config/settings.js";
import { arbitraryCidrText } from "./resilience-hostile-inputs.js";

const settingsByKey = new Map(allSettings.map((s) => [optionKey(s), s]));

/** Values an operator (or a broken Helm template) might put in any setting. */
const settingText: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "aws",
      "gcp",
      "azure",
      "prod-1",
      "10.8.0.0/16",
      "10.8.0.0/16,fd00:8::/48",
      "0.0.0.0/0",
      "::/0",
      "10.8.0.1/16",
      "10.0.0.0/8",
      "10.8.0.0/24",
      "*",
      "vpn",
      "vpn,*",
      "VPN",
      "15s",
      "10s",
      "2s",
      "500ms",
      "0s",
      "-1s",
      "1e3",
      "1h",
      "16",
      "0",
      "33",
      "129",
      "2.5",
      "6",
      "true",
      "false",
      "yes",
      "127.0.0.1:8080",
      ":0",
      "[::1]:99999",
      "info",
      "TRACE",
      "us-east-1",
      "rtb-0abc",
      "kubernetes.io/role=vpn",
      "",
      "  ",
    ),
  },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  arbitraryCidrText,
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant(null),
);

/** A nested config-file object from dotted keys (`leaderElection.leaseDurationMs`). */
function nest(entries: readonly [string, unknown][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [dotted, value] of entries) {
    const parts = dotted.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node[part] = typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1) ?? ""] = value;
  }
  return root;
}

const fileKeys = allSettings.flatMap((s) => (s.file === undefined ? [] : [s.file]));

/** Config-file text: YAML of known and unknown keys with any values, or plain garbage. */
const arbitraryConfigFile: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(
            { weight: 5, arbitrary: fc.constantFrom(...fileKeys) },
            fc.string({ maxLength: 12 }),
          ),
          fc.oneof(
            settingText,
            fc.array(settingText, { maxLength: 3 }),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        ),
        { maxLength: 12 },
      )
      .map((entries) => dump(nest(entries), { skipInvalid: true })),
  },
  fc.string(),
  fc.constantFrom(
    "{",
    "- a\n- b",
    "!!js/function 'x'",
    "&a [*a]",
    "? x",
    "allowedCidrs: *x",
    "~",
    "0x10",
  ),
);

/** A complete, valid AWS configuration that random settings are layered over. */
const validBase: Record<string, unknown> = {
  provider: "aws",
  clusterId: "prod-1",
  allowedCidrs: "10.8.0.0/16",
  allowedNamespaces: "vpn",
  awsRegion: "us-east-1",
  awsRouteTableTags: "vpc-route-sync.io/managed=true",
};

/** Flags (commander's parsed options), VRS_ variables and a config file, all arbitrary. */
export const arbitraryConfigInput = fc.record({
  options: fc
    .tuple(
      fc.boolean(),
      fc.dictionary(fc.constantFrom(...settingsByKey.keys()), settingText, { maxKeys: 3 }),
    )
    // Half the time on top of a valid base, so that accepted configurations are common too.
    .map(([onBase, random]) => (onBase ? { ...validBase, ...random } : random)),
  env: fc.dictionary(
    fc.constantFrom(
      ...allSettings.map((s) => envName(s)),
      "KUBECONFIG",
      "AWS_REGION",
      "POD_NAMESPACE",
    ),
    fc.oneof(fc.string({ maxLength: 30 }), settingText.map(String)),
    { maxKeys: 2 },
  ),
  file: fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: arbitraryConfigFile },
  ),
});
