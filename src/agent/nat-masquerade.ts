import type { IpFamily } from "../domain/cidr.js";
import { type CommandRunner, isCommandError } from "./command-runner.js";
import {
  jumpsToChain,
  type MasqueradeEntry,
  type MasqueradeState,
  parseRules,
  restorePayload,
} from "./masquerade-rules.js";
import { masqueradeChain } from "./options.js";

const tools = {
  4: { list: "iptables", restore: "iptables-restore" },
  6: { list: "ip6tables", restore: "ip6tables-restore" },
} as const;

/** Seconds to wait for the xtables lock that kube-proxy and others hold while they write. */
const lockWaitSeconds = "5";

/**
 * The agent's only access to iptables: it reads two chains (`-S`, never a full dump, which can be
 * huge on kube-proxy nodes) and writes with one atomic `iptables-restore --noflush`, which
 * touches nothing but its own chain and its jumps.
 */
export class NatMasquerade {
  private readonly run: CommandRunner;

  constructor(run: CommandRunner) {
    this.run = run;
  }

  /** The agent's chain and the POSTROUTING jumps to it, for one family. */
  async observe(family: IpFamily): Promise<MasqueradeState> {
    const list = tools[family].list;
    const postrouting = await this.run(list, [
      "-w",
      lockWaitSeconds,
      "-t",
      "nat",
      "-S",
      "POSTROUTING",
    ]);
    const jumps = jumpsToChain(parseRules(postrouting.stdout));
    try {
      const chain = await this.run(list, [
        "-w",
        lockWaitSeconds,
        "-t",
        "nat",
        "-S",
        masqueradeChain,
      ]);
      return { chainExists: true, rules: parseRules(chain.stdout), jumps };
    } catch (error) {
      // Exit status 1 after POSTROUTING was listed fine means "no such chain" (legacy and nft).
      if (isCommandError(error) && error.exitCode === 1)
        return { chainExists: false, rules: [], jumps };
      throw error;
    }
  }

  /** Rewrites the chain (or removes it when `desired` is empty) in one commit. */
  async apply(
    family: IpFamily,
    state: MasqueradeState,
    desired: readonly MasqueradeEntry[],
  ): Promise<void> {
    await this.run(tools[family].restore, ["-w", lockWaitSeconds, "--noflush"], {
      input: restorePayload(state, desired),
    });
  }
}
