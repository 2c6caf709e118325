import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type EC2Client, ModifyNetworkInterfaceAttributeCommand } from "@aws-sdk/client-ec2";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { RunningAgent } from "../../src/cli/agent.js";
import { loadKubeConfig } from "../../src/kube/client/kubeconfig.js";
import { type SeededVpc, seedVpc } from "../harness/ec2-seed.js";
import { type LocalKubeApiServer, startKubeApiServer } from "../harness/kube-apiserver.js";
import { KubeObjects } from "../harness/kube-objects.js";
import { type LocalStack, localStackEc2Client, startLocalStack } from "../harness/localstack.js";
import type { ControllerProcess } from "../harness/resilience-processes.js";
import { ProxyRequests, startDeviceServer } from "./http-probe.js";
import { assertNetnsSupport, NetnsLab } from "./lab.js";
import { buildDist, startLabAgents, startLabController } from "./lab-control.js";
import { ensureDefaultServiceAccount } from "./lab-kubelet.js";
import { VpnPod } from "./lab-vpn-pod.js";
import {
  assertOpenVpnSupport,
  createVpnPki,
  deviceVpnAddress,
  type OpenVpnProcess,
  startVpnClient,
  type VpnPki,
} from "./openvpn.js";
import { addPod, type LabPod } from "./pods.js";
import { VpcRouter } from "./vpc-router.js";
import { buildVpc, type VpcNamespaces, type VpcNode, vpnPublicAddress } from "./vpc-topology.js";

/** How a scenario wants its world; the defaults are the lab of the README. */
export interface LabWorldOptions {
  /** `--aws-manage-source-dest-check` of the controller. */
  readonly manageSourceDestCheck?: boolean;
  /** The Service's `vpc-route-sync.io/masquerade`, when set. */
  readonly masquerade?: boolean;
  /** What the VPN server tells the device it can reach: by default the pod network. */
  readonly pushRoutes?: readonly string[];
  /** Run the VPN server in the node's own namespace (a hostNetwork Pod). */
  readonly hostNetwork?: boolean;
}

/**
 * The whole lab, started and torn down as one: LocalStack with a seeded VPC, a real
 * kube-apiserver, the VPC in namespaces with its router loop, the controller process, the
 * agents, the VPN server Pod on node 1, the device with its client and HTTP server, and the
 * proxy Pod on node 2 requesting the device every 50 ms. The lab plays the kubelet and the
 * EndpointSlice controller: it creates Pod namespaces and writes the Service's EndpointSlice.
 */
export class LabWorld {
  readonly lab = new NetnsLab();
  readonly options: LabWorldOptions;
  nodes: VpcNode[] = [];
  ns!: VpcNamespaces;
  vpc!: SeededVpc;
  ec2!: EC2Client;
  kubeConfig!: KubeConfig;
  objects!: KubeObjects;
  router!: VpcRouter;
  controller: ControllerProcess | undefined;
  /** `ip monitor route` lines of every node, with the time each arrived. */
  readonly kernelRoutes: { at: number; node: string; line: string }[] = [];
  proxyPod!: LabPod;
  proxy!: ProxyRequests;
  client!: OpenVpnProcess;
  vpn!: VpnPod;
  private localstack: LocalStack | undefined;
  private kube: LocalKubeApiServer | undefined;
  private agents: RunningAgent[] = [];
  private pki: VpnPki | undefined;
  private logDir = "";
  private controllers = 0;

  constructor(options: LabWorldOptions = {}) {
    this.options = options;
  }

  /** Builds everything; on any failure it tears down what it had built, then rethrows. */
  async start(): Promise<this> {
    try {
      await assertNetnsSupport();
      await assertOpenVpnSupport();
      this.logDir = await mkdtemp(join(tmpdir(), "vrs-lab-"));
      if (process.env.VRS_KEEP_HARNESS === "1")
        process.stderr.write(`[lab] logs in ${this.logDir}\n`);
      const [localstack, kube] = await Promise.all([
        startLocalStack().then((s) => (this.localstack = s)),
        startKubeApiServer().then((s) => (this.kube = s)),
        buildDist(),
      ]);
      this.ec2 = localStackEc2Client(localstack.endpoint);
      this.vpc = await seedVpc(this.ec2, { name: this.lab.prefix });
      // kubenet on AWS: pod traffic leaves every node with pod source addresses.
      for (const node of this.vpc.nodes) await this.setSourceDestCheck(node.eniId, false);
      ({ nodes: this.nodes, ns: this.ns } = await buildVpc(this.lab, this.vpc));
      this.router = new VpcRouter(this.lab, this.ns.router, this.ec2, this.nodes);
      await this.router.start();
      await this.createKubeObjects(kube.kubeconfigPath);
      for (const node of this.nodes) this.watchRoutes(node);
      // The agents' own masquerade default stays off: the Service's annotation decides.
      this.agents = await startLabAgents(this.lab, this.nodes, kube.kubeconfigPath, false);
      this.startController();
      this.pki = await createVpnPki();
      this.vpn = await VpnPod.start(this, this.node(1), 0);
      await this.vpn.serve();
      this.client = startVpnClient(this.lab, this.ns.device, this.pki, vpnPublicAddress);
      await this.client.connectedAfter(0);
      await startDeviceServer(this.lab, this.ns.device, deviceVpnAddress);
      this.proxyPod = await addPod(this.lab, "proxy", this.node(2), "bridge", 50);
      this.proxy = new ProxyRequests(this.lab, this.proxyPod.ns, deviceVpnAddress);
      return this;
    } catch (error) {
      await this.destroy();
      throw error;
    }
  }

  /** Node 1, 2 or 3, as the scenarios and docs number them. */
  node(index: number): VpcNode {
    const node = this.nodes[index - 1];
    if (node === undefined) throw new Error(`the lab has no node ${index}`);
    return node;
  }

  /** The VPN credentials; available once the world has started. */
  get vpnPki(): VpnPki {
    if (this.pki === undefined) throw new Error("the lab's VPN credentials are not created yet");
    return this.pki;
  }

  /** Turns an ENI's source/destination check on or off in LocalStack, as an admin would. */
  async setSourceDestCheck(eniId: string, enabled: boolean): Promise<void> {
    await this.ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: eniId,
        SourceDestCheck: { Value: enabled },
      }),
    );
  }

  /** Starts a new controller process (the previous one must have been stopped). */
  startController(
    manageSourceDestCheck = this.options.manageSourceDestCheck ?? true,
  ): ControllerProcess {
    if (this.localstack === undefined || this.kube === undefined)
      throw new Error("the lab's services are not running");
    this.controller = startLabController(
      {
        clusterId: this.lab.prefix,
        kubeconfig: this.kube.kubeconfigPath,
        awsEndpoint: this.localstack.endpoint,
        routeTableTag: this.vpc.routeTableTag,
        manageSourceDestCheck,
        logDir: this.logDir,
      },
      `lab-controller-${++this.controllers}`,
    );
    return this.controller;
  }

  /** Stops the controller with SIGTERM, as a Deployment scaled to zero would. */
  async stopController(): Promise<void> {
    this.controller?.signal("SIGTERM");
    await this.controller?.exited;
  }

  /** Records every route change in `node`'s kernel as it happens (`ip monitor`, no polling). */
  private watchRoutes(node: VpcNode): void {
    const monitor = this.lab.spawn(node.ns, "ip", ["monitor", "route"]);
    createInterface(monitor.stdout ?? process.stdin).on("line", (line) =>
      this.kernelRoutes.push({ at: Date.now(), node: node.name, line }),
    );
  }

  /** Stops the kube-apiserver for `downMs` (etcd keeps its data) and waits until it is back. */
  async restartApiServer(downMs: number): Promise<void> {
    await this.kube?.restartApiServer(downMs);
  }

  /** `reason: message` of every Event on the VPN Service. */
  async events(): Promise<string[]> {
    const list = await this.kubeConfig
      .makeApiClient(CoreV1Api)
      .listNamespacedEvent({ namespace: "vpn" });
    return list.items
      .filter((e) => e.involvedObject.name === "openvpn")
      .map((e) => `${e.reason}: ${e.message}`);
  }

  /** Stops everything it started and deletes every namespace it made; never throws. */
  async destroy(): Promise<void> {
    this.proxy?.stop();
    await Promise.allSettled([
      this.stopController(),
      ...this.agents.map((a) => a.stop()),
      this.router?.stop(),
    ]);
    await this.lab.destroy();
    await Promise.allSettled([this.kube?.stop(), this.localstack?.stop(), this.pki?.remove()]);
    if (this.logDir !== "" && process.env.VRS_KEEP_HARNESS !== "1")
      await rm(this.logDir, { recursive: true, force: true });
  }

  private async createKubeObjects(kubeconfigPath: string): Promise<void> {
    this.kubeConfig = loadKubeConfig(kubeconfigPath);
    this.objects = new KubeObjects(this.kubeConfig);
    await this.objects.ensureNamespace("vpn");
    await ensureDefaultServiceAccount(this.objects.core);
    for (const node of this.nodes)
      await this.objects.createNode({
        name: node.name,
        providerId: node.providerId,
        internalIp: node.ipv4,
      });
    const annotations: Record<string, string> = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };
    if (this.options.masquerade !== undefined)
      annotations["vpc-route-sync.io/masquerade"] = String(this.options.masquerade);
    // No selector: the lab writes the EndpointSlice itself, as for any selector-less Service.
    await this.objects.core.createNamespacedService({
      namespace: "vpn",
      body: {
        metadata: { name: "openvpn", annotations },
        spec: { ports: [{ port: 1194, protocol: "UDP" }] },
      },
    });
  }
}
