import { serveFrom } from "./lab-control.js";
import { deletePod, reportPodReady } from "./lab-kubelet.js";
import type { LabWorld } from "./lab-world.js";
import { type OpenVpnProcess, startVpnServer } from "./openvpn.js";
import { addPod, removePod } from "./pods.js";
import { pointLoadBalancerAt, type VpcNode } from "./vpc-topology.js";

/**
 * The OpenVPN server Pod on one node: its own namespace on the node's pod bridge (host number
 * 10 + generation, so every incarnation has a new IP as a rescheduled Pod does), or the node's
 * namespace itself for a hostNetwork Pod.
 */
export class VpnPod {
  readonly node: VpcNode;
  readonly ip: string;
  readonly server: OpenVpnProcess;
  private readonly world: LabWorld;
  private readonly ns: string | undefined;
  private readonly generation: number;

  private constructor(
    world: LabWorld,
    generation: number,
    node: VpcNode,
    ip: string,
    ns: string | undefined,
    server: OpenVpnProcess,
  ) {
    this.world = world;
    this.generation = generation;
    this.node = node;
    this.ip = ip;
    this.ns = ns;
    this.server = server;
  }

  /**
   * Creates the Pod and starts its server; once the server listens, reports the Pod ready to
   * the API server as its kubelet would.
   */
  static async start(world: LabWorld, node: VpcNode, generation: number): Promise<VpnPod> {
    const { lab } = world;
    const pushRoutes = world.options.pushRoutes ?? ["10.244.0.0/16"];
    const hostNetwork = world.options.hostNetwork === true;
    const pod = hostNetwork
      ? undefined
      : await addPod(lab, `vpn${generation}`, node, "bridge", 10 + generation);
    if (pod !== undefined) await lab.enableForwarding(pod.ns);
    const server = startVpnServer(lab, pod?.ns ?? node.ns, world.vpnPki, pushRoutes);
    await server.connectedAfter(0);
    const ip = pod?.ipv4 ?? node.ipv4;
    await reportPodReady(world.objects.core, generation, node, ip, hostNetwork);
    return new VpnPod(world, generation, node, ip, pod?.ns, server);
  }

  /** Sends the load balancer's traffic here. */
  async attachLoadBalancer(): Promise<void> {
    await pointLoadBalancerAt(this.world.lab, this.world.ns.internet, this.ip);
  }

  /** Writes this Pod as the Service's one ready endpoint. */
  async publishEndpoint(): Promise<void> {
    await serveFrom(this.world.objects, this.node.name, this.ip);
  }

  /** Both of the above, as for a Pod that just became ready. */
  async serve(): Promise<void> {
    await this.attachLoadBalancer();
    await this.publishEndpoint();
  }

  /**
   * Deletes the Pod object and stops the server (SIGTERM: its clients are told to reconnect),
   * then removes the Pod's namespace.
   */
  async stop(): Promise<void> {
    await Promise.all([deletePod(this.world.objects.core, this.generation), this.server.stop()]);
    if (this.ns !== undefined)
      await removePod(this.world.lab, { ns: this.ns, node: this.node, ipv4: this.ip, ipv6: "" });
  }
}
