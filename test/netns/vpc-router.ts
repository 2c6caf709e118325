import {
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import type { NetnsLab } from "./lab.js";
import type { VpcNode } from "./vpc-topology.js";

/** One change the router made to its kernel, with the wall-clock time it was made. */
export interface RouterChange {
  readonly at: number;
  readonly table: string;
  readonly cidr: string;
  /** The ENI's private IP the CIDR now goes to, or undefined when it was removed. */
  readonly via: string | undefined;
}

const chain = "VPC-SDC";

/**
 * Plays the VPC's implicit router from LocalStack's state, as AWS's data plane does from the
 * control plane: every `intervalMs` it reads the nodes' route tables and the ENIs they target,
 * installs `<cidr> via <ENI private IP>` in the kernel table of each route table, and drops
 * forwarded packets to or from an ENI whose SourceDestCheck is on unless they are addressed to
 * or from that ENI's own IP. One Describe of each kind per pass; the kernel is written only
 * when something changed, and every change is recorded for the lab's timeline.
 */
export class VpcRouter {
  readonly changes: RouterChange[] = [];
  private readonly applied = new Map<string, string>();
  private appliedRules = "";
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly lab: NetnsLab;
  private readonly ns: string;
  private readonly ec2: EC2Client;
  private readonly nodes: readonly VpcNode[];
  /** When the last pass that completed started (epoch ms). */
  lastSyncAt = 0;
  /** The last failed pass's error; the loop keeps going, as a data plane would. */
  lastError: unknown;

  constructor(lab: NetnsLab, ns: string, ec2: EC2Client, nodes: readonly VpcNode[]) {
    this.lab = lab;
    this.ns = ns;
    this.ec2 = ec2;
    this.nodes = nodes;
  }

  /** Hooks the router's source/destination check chain into FORWARD, then syncs every interval. */
  async start(intervalMs = 100): Promise<void> {
    await this.lab.exec(this.ns, "iptables", ["-w", "5", "-N", chain]);
    await this.lab.exec(this.ns, "iptables", ["-w", "5", "-A", "FORWARD", "-j", chain]);
    await this.sync();
    const tick = () => {
      this.running = this.sync()
        .catch((error: unknown) => {
          this.lastError = error;
        })
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: read the tables and ENIs, then bring the kernel and the drop rules in line. */
  async sync(): Promise<void> {
    const startedAt = Date.now();
    const tables = await this.ec2.send(
      new DescribeRouteTablesCommand({ RouteTableIds: this.nodes.map((n) => n.routeTableId) }),
    );
    const wanted = new Map<string, { node: VpcNode; cidr: string; eni: string }>();
    for (const node of this.nodes) {
      const table = tables.RouteTables?.find((t) => t.RouteTableId === node.routeTableId);
      for (const route of table?.Routes ?? []) {
        const { DestinationCidrBlock: cidr, NetworkInterfaceId: eni } = route;
        if (cidr !== undefined && eni !== undefined && route.State !== "blackhole")
          wanted.set(`${node.kernelTable} ${cidr}`, { node, cidr, eni });
      }
    }
    const eniIds = [
      ...new Set([...this.nodes.map((n) => n.eniId), ...[...wanted.values()].map((w) => w.eni)]),
    ];
    const enis = await this.ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: eniIds }),
    );
    const ipOf = new Map(
      (enis.NetworkInterfaces ?? []).map((e) => [e.NetworkInterfaceId, e.PrivateIpAddress]),
    );
    for (const [key, { node, cidr, eni }] of wanted) {
      const via = ipOf.get(eni);
      if (via === undefined || this.applied.get(key) === via) continue;
      const table = String(node.kernelTable);
      await this.lab.ip(this.ns, "route", "replace", cidr, "via", via, "table", table);
      this.applied.set(key, via);
      this.changes.push({ at: Date.now(), table: node.routeTableId, cidr, via });
    }
    for (const key of [...this.applied.keys()].filter((k) => !wanted.has(k))) {
      const [table = "", cidr = ""] = key.split(" ");
      await this.lab.ip(this.ns, "route", "del", cidr, "table", table);
      this.applied.delete(key);
      const node = this.nodes.find((n) => String(n.kernelTable) === table);
      this.changes.push({
        at: Date.now(),
        table: node?.routeTableId ?? table,
        cidr,
        via: undefined,
      });
    }
    await this.applyChecks(enis.NetworkInterfaces ?? []);
    this.lastSyncAt = startedAt;
  }

  /** Rewrites the drop rules in one iptables-restore when the set of checked ENIs changed. */
  private async applyChecks(
    enis: readonly { NetworkInterfaceId?: string; SourceDestCheck?: boolean }[],
  ): Promise<void> {
    const rules = this.nodes
      .filter((n) => enis.find((e) => e.NetworkInterfaceId === n.eniId)?.SourceDestCheck !== false)
      .flatMap((n) => [
        `-A ${chain} -o ${n.routerDev} ! -d ${n.ipv4} -j DROP`,
        `-A ${chain} -i ${n.routerDev} ! -s ${n.ipv4} -j DROP`,
      ])
      .join("\n");
    if (rules === this.appliedRules) return;
    const input = `*filter\n:${chain} - [0:0]\n${rules}${rules ? "\n" : ""}COMMIT\n`;
    await this.lab.runner(this.ns)("iptables-restore", ["-w", "5", "--noflush"], { input });
    this.appliedRules = rules;
  }
}
