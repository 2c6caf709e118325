import type { IpFamily } from "../domain/cidr.js";
import { CommandError, type CommandRunner } from "./command-runner.js";
import type { KernelRoute } from "./kernel-route.js";
import { tokenize } from "./masquerade-rules.js";

/** How the fake kernel answers `ip route get` for an address. */
export interface FakeLookup {
  readonly dev?: string;
  readonly gateway?: string;
  readonly local?: boolean;
}

const familyOf = (args: readonly string[]): IpFamily => (args.includes("-6") ? 6 : 4);
const after = (args: readonly string[], key: string): string | undefined => {
  const i = args.indexOf(key);
  return i < 0 ? undefined : args[i + 1];
};

/**
 * An in-memory stand-in for `ip` and `iptables` that speaks exactly the commands the agent
 * issues, for unit and integration tests that need no root. The netns tests run the same code
 * against the real kernel, which is what keeps this fake honest.
 */
export class FakeKernel {
  routes: KernelRoute[] = [];
  readonly lookups = new Map<string, FakeLookup>();
  /** Per family: chain name -> rule lines (`-A CHAIN ...`). POSTROUTING always exists. */
  readonly nat: Record<IpFamily, Map<string, string[]>> = {
    4: new Map([["POSTROUTING", []]]),
    6: new Map([["POSTROUTING", []]]),
  };
  readonly calls: string[][] = [];
  /** Makes every command fail, as an unreachable or missing binary would. */
  failAll = false;

  readonly runner: CommandRunner = async (file, args, options) => {
    const argv = [file, ...args];
    this.calls.push(argv);
    if (this.failAll) throw new CommandError(argv, 1, "fake failure");
    if (file === "ip") return { stdout: this.ip(argv, args), stderr: "" };
    if (file.endsWith("-restore")) return this.restore(argv, file, options?.input ?? "");
    return {
      stdout: this.listChain(argv, file === "ip6tables" ? 6 : 4, after(args, "-S")),
      stderr: "",
    };
  };

  /** Writes made so far (route replace/del and restores), for "no write in steady state" checks. */
  writes(): string[][] {
    return this.calls.filter(
      (c) => c.includes("replace") || c.includes("del") || c[0]?.endsWith("-restore"),
    );
  }

  private ip(argv: readonly string[], args: readonly string[]): string {
    const family = familyOf(args);
    if (args.includes("show"))
      return JSON.stringify(this.routes.filter((r) => r.family === family).map(toJson));
    if (args.includes("get")) {
      const address = args[args.length - 1] ?? "";
      const found = this.lookups.get(address);
      if (found === undefined)
        throw new CommandError(argv, 2, "RTNETLINK answers: Network is unreachable");
      return JSON.stringify([
        {
          ...(found.local ? { type: "local" } : {}),
          dst: address,
          dev: found.local ? "lo" : found.dev,
          gateway: found.gateway,
        },
      ]);
    }
    const verb = args.includes("replace") ? "replace" : "del";
    const dst = args[args.indexOf(verb) + 1] ?? "";
    const protocol = Number(after(args, "proto"));
    if (verb === "replace") {
      const metric = family === 4 ? 0 : 1024;
      this.routes = this.routes.filter(
        (r) => !(r.family === family && r.dst === dst && r.metric === metric),
      );
      this.routes.push({
        family,
        dst,
        protocol,
        type: 1,
        gateway: after(args, "via"),
        dev: after(args, "dev") ?? "eth0",
        metric,
        onlink: args.includes("onlink"),
        multipath: false,
      });
      return "";
    }
    const metric = Number(after(args, "metric") ?? 0);
    const index = this.routes.findIndex(
      (r) => r.family === family && r.dst === dst && r.protocol === protocol && r.metric === metric,
    );
    if (index < 0) throw new CommandError(argv, 2, "RTNETLINK answers: No such process");
    this.routes.splice(index, 1);
    return "";
  }

  private listChain(argv: readonly string[], family: IpFamily, chain: string | undefined): string {
    const rules = this.nat[family].get(chain ?? "");
    if (rules === undefined)
      throw new CommandError(argv, 1, "iptables: No chain/target/match by that name.");
    return [chain === "POSTROUTING" ? "-P POSTROUTING ACCEPT" : `-N ${chain}`, ...rules, ""].join(
      "\n",
    );
  }

  private restore(argv: readonly string[], file: string, input: string) {
    const family: IpFamily = file.startsWith("ip6") ? 6 : 4;
    const next = new Map([...this.nat[family]].map(([k, v]) => [k, [...v]]));
    for (const line of input.split("\n").map((l) => l.trim())) {
      if (line === "" || line === "*nat" || line === "COMMIT") continue;
      const tokens = tokenize(line);
      const [op = "", chain = ""] = tokens;
      const rule = () => ["-A", chain, ...tokens.slice(op === "-I" ? 3 : 2)].map(requote).join(" ");
      const rules = next.get(op.startsWith(":") ? op.slice(1) : chain);
      if (op.startsWith(":")) next.set(op.slice(1), []);
      else if (op === "-X" && rules?.length === 0) next.delete(chain);
      else if (op === "-A" && rules) rules.push(rule());
      else if (op === "-I" && rules) rules.unshift(rule());
      else if (op === "-D" && rules && rules.includes(rule()))
        rules.splice(rules.indexOf(rule()), 1);
      else
        throw new CommandError(
          argv,
          1,
          `fake iptables-restore: cannot apply ${JSON.stringify(line)}`,
        );
    }
    this.nat[family].clear();
    for (const [k, v] of next) this.nat[family].set(k, v);
    return { stdout: "", stderr: "" };
  }
}

const requote = (t: string): string => (/[\s"]/.test(t) ? `"${t.replace(/(["\\])/g, "\\$1")}"` : t);

function toJson(r: KernelRoute): Record<string, unknown> {
  return {
    type: String(r.type),
    dst: r.dst,
    gateway: r.gateway,
    dev: r.dev,
    protocol: String(r.protocol),
    metric: r.metric === 0 ? undefined : r.metric,
    flags: r.onlink ? ["onlink"] : [],
  };
}
