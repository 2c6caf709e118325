import type { IpFamily } from "../domain/cidr.js";
import type { Logger } from "../observability/logger.js";
import {
  entryKey,
  isInSync,
  type MasqueradeEntry,
  type MasqueradeState,
  ruleEntry,
} from "./masquerade-rules.js";
import type { AgentMetrics } from "./metrics.js";
import type { NatMasquerade } from "./nat-masquerade.js";
import type { NodePlan } from "./plan.js";

/** What one family's masquerade sync did; undefined from `syncMasquerade` means nothing to do. */
export interface MasqueradeResult {
  readonly family: IpFamily;
  readonly action: "install" | "remove";
  readonly ok: boolean;
}

/** Collaborators of the masquerade sync. */
export interface MasqueradeSyncDeps {
  readonly masquerade: NatMasquerade;
  readonly metrics: AgentMetrics;
  readonly logger: Logger;
  /** Re-checked right before writing: the API server may have gone away during the pass. */
  mayWrite(): boolean;
}

/**
 * Brings one family's VRS-MASQ chain to the plan: read, compare, and rewrite only when it
 * differs (so a steady state runs no iptables-restore, and a flushed chain is refilled). A
 * family that cannot be read (no ip6tables on the host) is an error only if rules are wanted.
 */
export async function syncMasquerade(
  deps: MasqueradeSyncDeps,
  family: IpFamily,
  plan: NodePlan,
): Promise<MasqueradeResult | undefined> {
  const { masquerade, metrics, logger } = deps;
  const wanted: MasqueradeEntry[] = plan.masquerade.filter(
    (e) => e.cidr.includes(":") === (family === 6),
  );
  let state: MasqueradeState;
  try {
    state = await masquerade.observe(family);
  } catch (error) {
    if (wanted.length > 0) {
      logger.error({ family, err: error }, "masquerade rules not read");
      return { family, action: "install", ok: false };
    }
    logger.debug({ family, err: error }, "masquerade rules not read; none wanted");
    return undefined;
  }
  if (plan.keepUnknown) {
    for (const entry of state.rules.map(ruleEntry)) {
      if (entry !== undefined && !wanted.some((e) => entryKey(e) === entryKey(entry)))
        wanted.push({ ...entry, service: "unknown" });
    }
  }
  if (isInSync(state, wanted) || !deps.mayWrite()) return undefined;
  const action = wanted.length > 0 ? "install" : "remove";
  const labels = { family: String(family), action };
  try {
    await masquerade.apply(family, state, wanted);
    metrics.masqueradeWrites.inc({ ...labels, result: "ok" });
    logger.info(
      { family, cidrs: wanted.map((e) => e.cidr) },
      action === "install" ? "masquerade rules installed" : "masquerade rules removed",
    );
    return { family, action, ok: true };
  } catch (error) {
    metrics.masqueradeWrites.inc({ ...labels, result: "error" });
    logger.error({ family, err: error }, `masquerade ${action} failed`);
    return { family, action, ok: false };
  }
}
