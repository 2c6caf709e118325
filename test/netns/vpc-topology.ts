import type { SeededVpc } from "../harness/ec2-seed.js";
import type { LabNode, NetnsLab } from "./lab.js";

/** A lab node that is also an EC2 instance in LocalStack: its namespace holds the ENI's IP. */
export interface VpcNode extends LabNode {
  readonly eniId: string;
  readonly providerId: string;
  /** The route table of the node's subnet, and the router's kernel table standing in for it. */
  readonly routeTableId: string;
  readonly kernelTable: number;
  /** The router's interface into the node's subnet. */
  readonly routerDev: string;
}

/** The namespaces outside the nodes: the VPC router, the "internet" and the device. */
export interface VpcNamespaces {
  readonly router: string;
  readonly internet: string;
  readonly device: string;
}

/** The address devices dial; the internet namespace DNATs it to the current VPN Pod. */
export const vpnPublicAddress = "203.0.113.10";
/** The device's uplink address on its side of the internet namespace. */
const deviceUplinkAddress = "198.51.100.2";

/** `ip link add <a> type veth peer name <b> netns <nsB>` run in `nsA`, both ends up. */
async function link(lab: NetnsLab, nsA: string, a: string, nsB: string, b: string) {
  await lab.ip(nsA, "link", "add", a, "type", "veth", "peer", "name", b, "netns", nsB);
  await lab.ip(nsA, "link", "set", a, "up");
  await lab.ip(nsB, "link", "set", b, "up");
}

/**
 * Builds the VPC in namespaces: one node per seeded instance (its ENI's private IP in its
 * subnet, default route to the subnet's router address `.1`), a router namespace joined to every
 * subnet and to an "internet" namespace, and a device namespace behind the internet. The router
 * looks up the subnet's route table (kernel table 101, 102, ...) for packets arriving from that
 * subnet, then its main table (subnets, pod CIDRs, the internet), as a VPC's implicit router
 * does. The internet forwards only what it DNATed to a VPN Pod: private addresses never cross it.
 */
export async function buildVpc(
  lab: NetnsLab,
  vpc: SeededVpc,
): Promise<{ nodes: VpcNode[]; ns: VpcNamespaces }> {
  const [a, b] = vpc.vpcCidr.split(".");
  const router = await lab.createNamespace("vpc");
  const internet = await lab.createNamespace("inet");
  const device = await lab.createNamespace("device");
  for (const ns of [router, internet]) await lab.enableForwarding(ns);
  const nodes: VpcNode[] = [];
  for (const [z, seeded] of vpc.nodes.entries()) {
    const index = z + 1;
    // ec2-seed.ts gives zone z the subnet a.b.(16z).0/20; AWS's router is the subnet's .1.
    const gateway = `${a}.${b}.${z * 16}.1`;
    const bits = "20";
    const ns = await lab.createNamespace(`n${index}`);
    const routerDev = `z${index}`;
    await link(lab, router, routerDev, ns, "eth0");
    await lab.ip(router, "addr", "add", `${gateway}/${bits}`, "dev", routerDev);
    await lab.ip(ns, "addr", "add", `${seeded.privateIp}/${bits}`, "dev", "eth0");
    await lab.ip(ns, "route", "add", "default", "via", gateway);
    await lab.enableForwarding(ns);
    const kernelTable = 100 + index;
    await lab.ip(
      router,
      "rule",
      "add",
      "iif",
      routerDev,
      "lookup",
      String(kernelTable),
      "pref",
      "100",
    );
    await lab.ip(router, "route", "add", `10.244.${index}.0/24`, "via", seeded.privateIp);
    const routeTableId = vpc.routeTableIds[z] ?? "";
    nodes.push({
      name: seeded.name,
      ns,
      index,
      ipv4: seeded.privateIp,
      ipv6: `fd10::${index}`,
      eniId: seeded.eniId,
      providerId: seeded.providerId,
      routeTableId,
      kernelTable,
      routerDev,
    });
  }
  await link(lab, router, "igw", internet, "eth0");
  await lab.ip(router, "addr", "add", "100.64.0.1/30", "dev", "igw");
  await lab.ip(internet, "addr", "add", "100.64.0.2/30", "dev", "eth0");
  await lab.ip(router, "route", "add", "default", "via", "100.64.0.2");
  await lab.ip(internet, "route", "add", vpc.vpcCidr, "via", "100.64.0.1");
  await lab.ip(internet, "route", "add", "10.244.0.0/16", "via", "100.64.0.1");
  await link(lab, internet, "dev0", device, "eth0");
  await lab.ip(internet, "addr", "add", "198.51.100.1/24", "dev", "dev0");
  await lab.ip(device, "addr", "add", `${deviceUplinkAddress}/24`, "dev", "eth0");
  await lab.ip(device, "route", "add", "default", "via", "198.51.100.1");
  await lab.exec(device, "sysctl", ["-q", "-w", "net.ipv4.ip_nonlocal_bind=1"]);
  const ipt = (...args: string[]) => lab.exec(internet, "iptables", ["-w", "5", ...args]);
  await ipt(
    "-A",
    "FORWARD",
    "-i",
    "dev0",
    "-m",
    "conntrack",
    "!",
    "--ctstate",
    "DNAT",
    "-j",
    "DROP",
  );
  await ipt("-t", "nat", "-N", "VPN-LB");
  await ipt("-t", "nat", "-A", "PREROUTING", "-d", vpnPublicAddress, "-j", "VPN-LB");
  return { nodes, ns: { router, internet, device } };
}

/** Points the stand-in load balancer at the VPN Pod's address, as a Service of type LoadBalancer would. */
export async function pointLoadBalancerAt(lab: NetnsLab, internet: string, podIp: string) {
  const payload = [
    "*nat",
    ":VPN-LB - [0:0]",
    `-A VPN-LB -p udp --dport 1194 -j DNAT --to-destination ${podIp}:1194`,
    "COMMIT",
    "",
  ].join("\n");
  await lab.runner(internet)("iptables-restore", ["-w", "5", "--noflush"], { input: payload });
}
