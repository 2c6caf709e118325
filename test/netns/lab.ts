import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { type CommandRunner, execFileRunner } from "../../src/agent/command-runner.js";

const exec = promisify(execFile);

/** One "node" of the lab: a network namespace on the shared bridge. */
export interface LabNode {
  readonly name: string;
  readonly ns: string;
  readonly index: number;
  readonly ipv4: string;
  readonly ipv6: string;
}

/** Fails (never skips) when the lab cannot be built: a test that cannot run must not pass. */
export async function assertNetnsSupport(): Promise<void> {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push("the netns tests must run as root");
  for (const [file, args] of [
    ["ip", ["netns", "list"]],
    ["iptables", ["--version"]],
    ["ip6tables", ["--version"]],
  ] as const) {
    await exec(file, [...args]).catch((e: unknown) => problems.push(`${file}: ${String(e)}`));
  }
  if (problems.length > 0)
    throw new Error(`network namespaces unavailable: ${problems.join("; ")}`);
}

/**
 * Builds a three-node network in namespaces it creates (unique per run), and only there: the
 * bridge joining the nodes lives in its own namespace, nothing is added to the root namespace,
 * and `destroy()` deletes exactly what was created. Nodes route each other's pod CIDRs
 * (10.244.<n>.0/24, fd44:<n>::/64) like kubenet; node n is 10.100.0.<n> and fd10::<n>.
 */
export class NetnsLab {
  readonly prefix = `vrs${process.pid}${randomBytes(2).toString("hex")}`;
  readonly nodes: LabNode[] = [];
  private readonly created: string[] = [];
  private readonly processes: { ns: string; child: ChildProcess }[] = [];

  /** The agent's command runner, entering `ns` for every command. */
  runner(ns: string): CommandRunner {
    return execFileRunner(["ip", "netns", "exec", ns]);
  }

  /** Runs `ip netns exec <ns> <file> <args>`; rejects with the command's stderr. */
  async exec(ns: string, file: string, args: readonly string[]): Promise<string> {
    return (await this.runner(ns)(file, args)).stdout;
  }

  /** `ip <args>` inside `ns`. */
  async ip(ns: string, ...args: string[]): Promise<string> {
    return await this.exec(ns, "ip", args);
  }

  async build(): Promise<this> {
    const bridge = await this.createNamespace("br");
    await this.ip(bridge, "link", "add", "br0", "type", "bridge");
    await this.ip(bridge, "link", "set", "br0", "up");
    for (const index of [1, 2, 3]) {
      const ns = await this.createNamespace(`n${index}`);
      const node = {
        name: `node-${index}`,
        ns,
        index,
        ipv4: `10.100.0.${index}`,
        ipv6: `fd10::${index}`,
      };
      await this.ip(
        bridge,
        "link",
        "add",
        `n${index}`,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        ns,
      );
      await this.ip(bridge, "link", "set", `n${index}`, "master", "br0", "up");
      await this.ip(ns, "addr", "add", `${node.ipv4}/24`, "dev", "eth0");
      await this.ip(ns, "-6", "addr", "add", `${node.ipv6}/64`, "dev", "eth0", "nodad");
      await this.ip(ns, "link", "set", "eth0", "up");
      await this.enableForwarding(ns);
      this.nodes.push(node);
    }
    for (const node of this.nodes) {
      for (const other of this.nodes.filter((n) => n !== node)) {
        await this.ip(node.ns, "route", "add", `10.244.${other.index}.0/24`, "via", other.ipv4);
        await this.ip(node.ns, "-6", "route", "add", `fd44:${other.index}::/64`, "via", other.ipv6);
      }
    }
    return this;
  }

  node(index: number): LabNode {
    const node = this.nodes[index - 1];
    if (node === undefined) throw new Error(`the lab has no node ${index}`);
    return node;
  }

  /**
   * Creates `<prefix>-<name>` with loopback up and IPv6 duplicate address detection off, as most
   * CNIs configure Pods (with DAD on, a new Pod answers IPv6 about 2 s late whatever the routes).
   */
  async createNamespace(name: string): Promise<string> {
    const ns = `${this.prefix}-${name}`;
    await exec("ip", ["netns", "add", ns]);
    this.created.push(ns);
    await this.ip(ns, "link", "set", "lo", "up");
    const dad = ["net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0"];
    await this.exec(ns, "sysctl", ["-q", "-w", ...dad]);
    return ns;
  }

  /** Kills the processes started in `ns` (they would keep it, and its veths, alive), then deletes it. */
  async deleteNamespace(ns: string): Promise<void> {
    await this.kill((p) => p.ns === ns);
    await exec("ip", ["netns", "del", ns]);
    this.created.splice(this.created.indexOf(ns), 1);
  }

  async enableForwarding(ns: string): Promise<void> {
    const on = ["net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1"];
    await this.exec(ns, "sysctl", ["-q", "-w", ...on]);
  }

  /** Starts a long-running program inside `ns`; it is killed before its namespace is deleted. */
  spawn(ns: string, file: string, args: readonly string[]): ChildProcess {
    const child = spawn("ip", ["netns", "exec", ns, file, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.processes.push({ ns, child });
    return child;
  }

  /** Kills what the lab started and deletes every namespace it created, nothing else; never throws. */
  async destroy(): Promise<void> {
    await this.kill(() => true);
    for (const ns of [...this.created].reverse()) {
      await exec("ip", ["netns", "del", ns]).catch(() => undefined);
    }
    this.created.length = 0;
  }

  private async kill(which: (p: { ns: string; child: ChildProcess }) => boolean): Promise<void> {
    const victims = this.processes.filter(which);
    await Promise.all(
      victims.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    for (const v of victims) this.processes.splice(this.processes.indexOf(v), 1);
  }
}
