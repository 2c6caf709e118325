import { serveFrom } from "./lab-control.js";
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

  private constructor(
    world: LabWorld,
    node: VpcNode,
    ip: string,
    ns: string | undefined,
    server: OpenVpnProcess,
  ) {
    this.world = world;
    this.node = node;
    this.ip = ip;
    this.ns = ns;
    this.server = server;
  }

  /** Creates the Pod and starts its server; resolves once the server is listening. */
  static async start(world: LabWorld, node: VpcNode, generation: number): Promise<VpnPod> {
    const { lab } = world;
    const pushRoutes = world.options.pushRoutes ?? ["10.244.0.0/16"];
    if (world.options.hostNetwork === true) {
      const server = startVpnServer(lab, node.ns, world.vpnPki, pushRoutes);
      await server.connectedAfter(0);
      return new VpnPod(world, node, node.ipv4, undefined, server);
    }
    const pod = await addPod(lab, `vpn${generation}`, node, "bridge", 10 + generation);
    await lab.enableForwarding(pod.ns);
    const server = startVpnServer(lab, pod.ns, world.vpnPki, pushRoutes);
    await server.connectedAfter(0);
    return new VpnPod(world, node, pod.ipv4, pod.ns, server);
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

  /** Stops the server (SIGTERM: its clients are told to reconnect), then removes the Pod. */
  async stop(): Promise<void> {
    await this.server.stop();
    if (this.ns !== undefined)
      await removePod(this.world.lab, { ns: this.ns, node: this.node, ipv4: this.ip, ipv6: "" });
  }
}
