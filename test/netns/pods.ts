import type { LabNode, NetnsLab } from "./lab.js";

/** A "Pod": a namespace attached to a node by a veth, bridge-style or point-to-point. */
export interface LabPod {
  readonly ns: string;
  readonly node: LabNode;
  readonly ipv4: string;
  readonly ipv6: string;
}

async function ensureBridge(lab: NetnsLab, node: LabNode): Promise<void> {
  const exists = await lab.ip(node.ns, "link", "show", "cni0").then(
    () => true,
    () => false,
  );
  if (exists) return;
  const i = node.index;
  await lab.ip(node.ns, "link", "add", "cni0", "type", "bridge");
  await lab.ip(node.ns, "addr", "add", `10.244.${i}.1/24`, "dev", "cni0");
  await lab.ip(node.ns, "-6", "addr", "add", `fd44:${i}::1/64`, "dev", "cni0", "nodad");
  await lab.ip(node.ns, "link", "set", "cni0", "up");
}

/**
 * Starts a Pod on `node` with host number `host` in the node's pod CIDR. `bridge` puts its veth
 * on the node's cni0 (flannel/kubenet style); `ptp` routes its /32 and /128 straight to the
 * veth, whose node side holds the gateway address (Calico/ptp-plugin style).
 */
export async function addPod(
  lab: NetnsLab,
  name: string,
  node: LabNode,
  style: "bridge" | "ptp",
  host: number,
): Promise<LabPod> {
  const ns = await lab.createNamespace(name);
  const i = node.index;
  const pod = { ns, node, ipv4: `10.244.${i}.${host}`, ipv6: `fd44:${i}::${host}` };
  const veth = `veth-${name}`.slice(0, 15);
  await lab.ip(node.ns, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
  await lab.ip(ns, "link", "set", "eth0", "up");
  if (style === "bridge") {
    await ensureBridge(lab, node);
    await lab.ip(node.ns, "link", "set", veth, "master", "cni0", "up");
    await lab.ip(ns, "addr", "add", `${pod.ipv4}/24`, "dev", "eth0");
    await lab.ip(ns, "-6", "addr", "add", `${pod.ipv6}/64`, "dev", "eth0", "nodad");
  } else {
    await lab.ip(node.ns, "link", "set", veth, "up");
    await lab.ip(node.ns, "addr", "add", `10.244.${i}.1/32`, "dev", veth);
    await lab.ip(node.ns, "-6", "addr", "add", `fd44:${i}::1/128`, "dev", veth, "nodad");
    await lab.ip(node.ns, "route", "add", `${pod.ipv4}/32`, "dev", veth, "scope", "link");
    await lab.ip(node.ns, "-6", "route", "add", `${pod.ipv6}/128`, "dev", veth);
    await lab.ip(ns, "addr", "add", `${pod.ipv4}/32`, "dev", "eth0");
    await lab.ip(ns, "-6", "addr", "add", `${pod.ipv6}/128`, "dev", "eth0", "nodad");
    await lab.ip(ns, "route", "add", `10.244.${i}.1`, "dev", "eth0", "scope", "link");
    await lab.ip(ns, "-6", "route", "add", `fd44:${i}::1`, "dev", "eth0");
  }
  await lab.ip(ns, "route", "add", "default", "via", `10.244.${i}.1`, "dev", "eth0");
  await lab.ip(ns, "-6", "route", "add", "default", "via", `fd44:${i}::1`, "dev", "eth0");
  return pod;
}

/**
 * Gives a Pod the VPN network: 10.8.0.1/24 and fd08::1/64 on a `tun0` stand-in (a veth pair
 * inside the Pod, since not every kernel has the dummy driver), with forwarding on.
 */
export async function addVpnNetwork(lab: NetnsLab, pod: LabPod): Promise<void> {
  await lab.ip(pod.ns, "link", "add", "tun0", "type", "veth", "peer", "name", "tun0p");
  await lab.ip(pod.ns, "link", "set", "tun0p", "up");
  await lab.ip(pod.ns, "addr", "add", "10.8.0.1/24", "dev", "tun0");
  await lab.ip(pod.ns, "-6", "addr", "add", "fd08::1/64", "dev", "tun0", "nodad");
  await lab.ip(pod.ns, "link", "set", "tun0", "up");
  await lab.enableForwarding(pod.ns);
}

/** Ends a Pod as the kubelet does: its processes stop and its namespace (and veth) go away. */
export async function removePod(lab: NetnsLab, pod: LabPod): Promise<void> {
  await lab.deleteNamespace(pod.ns);
}
