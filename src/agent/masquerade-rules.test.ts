import { describe, expect, it } from "vitest";
import {
  isExactJump,
  isInSync,
  jumpsToChain,
  type MasqueradeState,
  parseRules,
  restorePayload,
  ruleEntry,
  tokenize,
} from "./masquerade-rules.js";

// As `iptables -S` prints them (nf_tables backend, iptables 1.8.9).
const postrouting = `-P POSTROUTING ACCEPT
-A POSTROUTING -m comment --comment "vpc-route-sync: masquerade traffic to VPN CIDRs" -j VRS-MASQ
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
`;
const chain = `-N VRS-MASQ
-A VRS-MASQ -d 10.8.0.0/24 -m comment --comment "vpc-route-sync vpn/openvpn" -j MASQUERADE
`;

const state = (over: Partial<MasqueradeState> = {}): MasqueradeState => ({
  chainExists: true,
  rules: parseRules(chain),
  jumps: jumpsToChain(parseRules(postrouting)),
  ...over,
});
const want = [{ cidr: "10.8.0.0/24", service: "vpn/openvpn" }];

describe("masquerade rules", () => {
  it("tokenizes quoted comments with escapes", () => {
    expect(tokenize(`-A X -m comment --comment "a \\"b\\" c" -j Y`)).toEqual([
      "-A",
      "X",
      "-m",
      "comment",
      "--comment",
      'a "b" c',
      "-j",
      "Y",
    ]);
  });

  it("accepts only exact rules and exact jumps, whatever their comments", () => {
    const entry = (line: string) => ruleEntry(tokenize(line));
    expect(entry("-A VRS-MASQ -d 10.8.0.0/24 -j MASQUERADE")).toEqual({
      cidr: "10.8.0.0/24",
      source: undefined,
    });
    expect(entry("-A VRS-MASQ -d fd08::/64 -m comment --comment x -j MASQUERADE")?.cidr).toBe(
      "fd08::/64",
    );
    expect(entry("-A VRS-MASQ -s 10.244.0.0/16 -d 10.8.0.0/24 -j MASQUERADE")).toEqual({
      cidr: "10.8.0.0/24",
      source: "10.244.0.0/16",
    });
    expect(entry("-A VRS-MASQ -s nonsense -d 10.8.0.0/24 -j MASQUERADE")).toBe(undefined);
    expect(entry("-A VRS-MASQ -d 10.8.0.0/24 -o eth0 -j MASQUERADE")).toBe(undefined);
    expect(entry("-A VRS-MASQ -d 10.8.0.0/24 -j ACCEPT")).toBe(undefined);
    expect(isExactJump(tokenize("-A POSTROUTING -s 10.0.0.0/8 -j VRS-MASQ"))).toBe(false);
  });

  it("writes the source of a rule and tells rules apart by source as well", () => {
    const sourced = [{ cidr: "10.8.0.0/24", source: "10.244.0.0/16", service: "vpn/openvpn" }];
    expect(restorePayload(state({ chainExists: false, rules: [], jumps: [] }), sourced)).toContain(
      '-A VRS-MASQ -s 10.244.0.0/16 -d 10.8.0.0/24 -m comment --comment "vpc-route-sync vpn/openvpn" -j MASQUERADE',
    );
    expect(isInSync(state(), sourced)).toBe(false);
  });

  it("is in sync with exactly the wanted rules and one jump, and only then", () => {
    expect(isInSync(state(), want)).toBe(true);
    expect(isInSync(state({ rules: [] }), want)).toBe(false);
    expect(isInSync(state({ jumps: [] }), want)).toBe(false);
    expect(isInSync(state(), [...want, { cidr: "10.9.0.0/24", service: "vpn/b" }])).toBe(false);
    expect(isInSync(state({ jumps: [...state().jumps, ...state().jumps] }), want)).toBe(false);
    expect(isInSync(state(), [])).toBe(false);
    expect(isInSync({ chainExists: false, rules: [], jumps: [] }, [])).toBe(true);
  });

  it("installs the chain and a jump at the top of POSTROUTING in one commit", () => {
    const payload = restorePayload({ chainExists: false, rules: [], jumps: [] }, [
      { cidr: "10.9.0.0/24", service: "vpn/b" },
      ...want,
    ]);
    expect(payload).toBe(
      [
        "*nat",
        ":VRS-MASQ - [0:0]",
        '-A VRS-MASQ -d 10.8.0.0/24 -m comment --comment "vpc-route-sync vpn/openvpn" -j MASQUERADE',
        '-A VRS-MASQ -d 10.9.0.0/24 -m comment --comment "vpc-route-sync vpn/b" -j MASQUERADE',
        '-I POSTROUTING 1 -m comment --comment "vpc-route-sync: masquerade traffic to VPN CIDRs" -j VRS-MASQ',
        "COMMIT",
        "",
      ].join("\n"),
    );
  });

  it("keeps one exact jump, deletes tampered or duplicate jumps, and removes everything cleanly", () => {
    const tampered = tokenize("-A POSTROUTING -s 10.0.0.0/8 -j VRS-MASQ");
    const s = state({ jumps: [...state().jumps, tampered, ...state().jumps] });
    const lines = restorePayload(s, want).split("\n");
    expect(lines.filter((l) => l.startsWith("-D"))).toEqual([
      "-D POSTROUTING -s 10.0.0.0/8 -j VRS-MASQ",
      '-D POSTROUTING -m comment --comment "vpc-route-sync: masquerade traffic to VPN CIDRs" -j VRS-MASQ',
    ]);
    expect(lines.some((l) => l.startsWith("-I"))).toBe(false);
    expect(restorePayload(state(), [])).toBe(
      [
        "*nat",
        ":VRS-MASQ - [0:0]",
        '-D POSTROUTING -m comment --comment "vpc-route-sync: masquerade traffic to VPN CIDRs" -j VRS-MASQ',
        "-X VRS-MASQ",
        "COMMIT",
        "",
      ].join("\n"),
    );
  });
});
