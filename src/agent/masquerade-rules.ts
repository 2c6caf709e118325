import { parseCidr } from "../domain/cidr.js";
import type { ServiceKey } from "../domain/service.js";
import { masqueradeChain } from "./options.js";

/** The nat table as far as the agent cares: its chain's rules and the jumps to it. */
export interface MasqueradeState {
  readonly chainExists: boolean;
  /** `-A VRS-MASQ ...` lines of `iptables -S VRS-MASQ`, tokenized. */
  readonly rules: readonly (readonly string[])[];
  /** `-A POSTROUTING ... -j VRS-MASQ` lines of `iptables -S POSTROUTING`, tokenized. */
  readonly jumps: readonly (readonly string[])[];
}

/**
 * Traffic to MASQUERADE: to `cidr`, from `source` when set (a cluster CIDR, so only Pod traffic
 * is rewritten, never traffic another node already rewrote and the hosting node forwards to the
 * VPN Pod), with the Service that asked (written as a rule comment).
 */
export interface MasqueradeEntry {
  readonly cidr: string;
  readonly source?: string;
  readonly service: ServiceKey;
}

/** What identifies a rule: its source and destination; comments never decide. */
export const entryKey = (e: { readonly cidr: string; readonly source?: string | undefined }) =>
  `${e.source ?? "*"}>${e.cidr}`;

const jumpComment = "vpc-route-sync: masquerade traffic to VPN CIDRs";

/** Splits one `iptables -S` line into arguments, honouring double quotes and backslashes. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current: string | undefined;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? "";
    if (quoted && char === "\\" && i + 1 < line.length) {
      current = (current ?? "") + (line[++i] ?? "");
    } else if (char === '"') {
      quoted = !quoted;
      current ??= "";
    } else if (!quoted && /\s/.test(char)) {
      if (current !== undefined) tokens.push(current);
      current = undefined;
    } else {
      current = (current ?? "") + char;
    }
  }
  if (current !== undefined) tokens.push(current);
  return tokens;
}

const quoteToken = (t: string): string =>
  /^[A-Za-z0-9_./:,=+-]+$/.test(t) ? t : `"${t.replace(/(["\\])/g, "\\$1")}"`;

/** Drops `-m comment --comment <text>`: comments never decide whether a rule is right. */
function withoutComment(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === "-m" && tokens[i + 1] === "comment") i++;
    else if (tokens[i] === "--comment") i++;
    else out.push(tokens[i] ?? "");
  }
  return out;
}

/**
 * The source and destination of a rule that is exactly `-A VRS-MASQ [-s <cidr>] -d <cidr> -j
 * MASQUERADE`; else undefined (a rule someone else shaped is never taken for ours).
 */
export function ruleEntry(
  tokens: readonly string[],
): { cidr: string; source: string | undefined } | undefined {
  const all = withoutComment(tokens);
  const hasSource = all[2] === "-s";
  const source = hasSource ? canonical(all[3]) : undefined;
  const [a, chain, d, cidr, j, target, ...rest] = hasSource
    ? [...all.slice(0, 2), ...all.slice(4)]
    : all;
  if (a !== "-A" || chain !== masqueradeChain || d !== "-d" || j !== "-j") return undefined;
  if (target !== "MASQUERADE" || rest.length > 0 || (hasSource && source === undefined))
    return undefined;
  const destination = canonical(cidr);
  return destination === undefined ? undefined : { cidr: destination, source };
}

const canonical = (text: string | undefined): string | undefined => {
  if (text === undefined) return undefined;
  const parsed = parseCidr(text);
  return parsed.ok ? parsed.cidr.text : undefined;
};

/** True for the agent's own jump: `-A POSTROUTING -j VRS-MASQ` with nothing but a comment. */
export function isExactJump(tokens: readonly string[]): boolean {
  return withoutComment(tokens).join(" ") === `-A POSTROUTING -j ${masqueradeChain}`;
}

/** Parses `iptables -S <chain>` output into tokenized `-A` lines. */
export function parseRules(output: string): string[][] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("-A "))
    .map(tokenize);
}

/** Keeps the POSTROUTING rules that jump to the agent's chain. */
export function jumpsToChain(postrouting: readonly (readonly string[])[]): string[][] {
  return postrouting
    .filter((t) => t.some((token, i) => token === "-j" && t[i + 1] === masqueradeChain))
    .map((t) => [...t]);
}

/** True when the table already holds exactly the desired rules and one exact jump. */
export function isInSync(state: MasqueradeState, desired: readonly MasqueradeEntry[]): boolean {
  if (desired.length === 0) return !state.chainExists && state.jumps.length === 0;
  const have = state.rules.map(ruleEntry);
  const want = new Set(desired.map(entryKey));
  return (
    state.chainExists &&
    state.jumps.length === 1 &&
    isExactJump(state.jumps[0] ?? []) &&
    have.length === want.size &&
    have.every((entry) => entry !== undefined && want.has(entryKey(entry)))
  );
}

const deleteLine = (tokens: readonly string[]): string =>
  ["-D", ...tokens.slice(1)].map(quoteToken).join(" ");

/**
 * The `iptables-restore --noflush` input that turns `state` into `desired` in one atomic commit:
 * declaring the chain creates or flushes it, then its rules, one jump at the top of POSTROUTING
 * (before any rule that could accept the packet first), and no other jump. With nothing desired,
 * the jumps are deleted and the chain removed.
 */
export function restorePayload(
  state: MasqueradeState,
  desired: readonly MasqueradeEntry[],
): string {
  const lines = ["*nat", `:${masqueradeChain} - [0:0]`];
  const keep = desired.length > 0 ? state.jumps.find(isExactJump) : undefined;
  for (const jump of state.jumps) if (jump !== keep) lines.push(deleteLine(jump));
  if (desired.length === 0) {
    lines.push(`-X ${masqueradeChain}`);
  } else {
    for (const entry of [...desired].sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : 1))) {
      const comment = quoteToken(`vpc-route-sync ${entry.service}`);
      const source = entry.source === undefined ? "" : `-s ${entry.source} `;
      lines.push(
        `-A ${masqueradeChain} ${source}-d ${entry.cidr} -m comment --comment ${comment} -j MASQUERADE`,
      );
    }
    if (keep === undefined) {
      lines.push(
        `-I POSTROUTING 1 -m comment --comment ${quoteToken(jumpComment)} -j ${masqueradeChain}`,
      );
    }
  }
  lines.push("COMMIT", "");
  return lines.join("\n");
}
