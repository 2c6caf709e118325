import { createAzureProvider } from "../../providers/azure/index.js";
import type { Provider } from "../../providers/types.js";
import { systemClock } from "../../src/clock.js";
import { FakeAzure, type FakeAzureOptions } from "../fakes/azure/fake-azure.js";
import { fakeCredential } from "../fakes/azure/sdk-client.js";
import {
  ControllerScenario,
  type ProviderContext,
  type ScenarioController,
} from "./controller-scenario.js";

/** A controller started by an Azure scenario, with what it counted. */
export type AzureScenarioController = ScenarioController;

/** A scenario node: a standalone VM whose NIC holds the node's InternalIP. */
export interface AzureScenarioNode {
  readonly name: string;
  readonly ip: string;
  readonly vmId: string;
  readonly nicId: string;
}

const subscriptions = [
  "c0ffee00-1111-4111-8111-111111111111",
  "c0ffee00-2222-4222-8222-222222222222",
];
const net = (sub: string, rg: string, type: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;

/**
 * One isolated Azure scenario: its own ARM fake over HTTPS (a hub and a spoke VNet in two
 * subscriptions, a route table associated with each, three VMs), its own namespace and Nodes on
 * the shared API server, and an in-process controller whose provider differs from production
 * only by endpoint, credential and trusted CA. Mirrors AwsScenario.
 */
export class AzureScenario extends ControllerScenario {
  readonly tables: readonly string[];
  readonly nodes: readonly AzureScenarioNode[];
  fake!: FakeAzure;

  constructor(name: string, kubeconfigPath: string) {
    super(name, kubeconfigPath);
    const [hub = "", spoke = ""] = subscriptions;
    this.tables = [
      net(hub, "hub-rg", "routeTables", "vpn-hub"),
      net(spoke, "spoke-rg", "routeTables", "vpn-spoke"),
    ];
    const compute = `/subscriptions/${hub}/resourceGroups/mc-${name}/providers`;
    this.nodes = [0, 1, 2].map((i) => ({
      name: `${name}-node-${i}`,
      ip: `10.0.0.${10 + i}`,
      vmId: `${compute}/Microsoft.Compute/virtualMachines/${name}-node-${i}`,
      nicId: `${compute}/Microsoft.Network/networkInterfaces/${name}-node-${i}-nic`,
    }));
  }

  /**
   * Starts the fake, seeds VNets, tables, VMs and NICs, the namespace and one Node per VM.
   * `timings` replaces the fast default (20 ms writes, no Retry-After) for tests of convergence
   * on ARM's own timings.
   */
  async setUp(
    enableIPForwarding = true,
    timings: FakeAzureOptions = { operationDurationMs: 20 },
  ): Promise<this> {
    this.fake = await FakeAzure.start(timings);
    const [hub = "", spoke = ""] = subscriptions;
    const [hubTable, spokeTable] = this.tables;
    for (const id of this.tables) this.fake.seedRouteTable({ id });
    this.fake.seedVirtualNetwork({
      id: net(hub, "hub-rg", "virtualNetworks", "hub"),
      addressPrefixes: ["10.0.0.0/16"],
      subnets: [{ name: "nodes", addressPrefix: "10.0.0.0/20", routeTableId: hubTable }],
    });
    this.fake.seedVirtualNetwork({
      id: net(spoke, "spoke-rg", "virtualNetworks", "spoke"),
      addressPrefixes: ["10.1.0.0/16"],
      subnets: [{ name: "apps", addressPrefix: "10.1.0.0/24", routeTableId: spokeTable }],
    });
    await this.objects.ensureNamespace(this.namespace);
    for (const node of this.nodes) {
      this.fake.seedVirtualMachine({ id: node.vmId, networkInterfaceIds: [node.nicId] });
      this.fake.seedNetworkInterface({
        id: node.nicId,
        enableIPForwarding,
        virtualMachineId: node.vmId,
        ipConfigurations: [{ privateIPAddress: node.ip }],
      });
      await this.objects.createNode({
        name: node.name,
        providerId: `azure://${node.vmId}`,
        internalIp: node.ip,
      });
    }
    return this;
  }

  /** Node `i` (0, 1 or 2) with its VM and NIC. */
  node(i: number): AzureScenarioNode {
    const node = this.nodes[i];
    if (node === undefined) throw new Error(`scenario ${this.name} has no node ${i}`);
    return node;
  }

  /**
   * Puts a route someone else made (no ownership) into table `i`, to `ip`; reseeds the table, so
   * call it before the controller writes.
   */
  seedForeignRoute(i: number, cidr: string, ip: string): void {
    const id = this.tables[i];
    if (id === undefined) throw new Error(`scenario ${this.name} has no table ${i}`);
    this.fake.seedRouteTable({
      id,
      routes: [
        {
          name: "hand-made",
          addressPrefix: cidr,
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: ip,
        },
      ],
    });
  }

  /** Ownership tags (`vrs-...`) left on each table. */
  ownershipTags(): string[] {
    return this.tables.flatMap((id) =>
      Object.keys(this.fake.routeTable(id)?.tags ?? {}).filter((key) => key.startsWith("vrs-")),
    );
  }

  protected cloud() {
    return {
      provider: "azure",
      options: { azureRouteTableIds: this.tables.join(","), azureEndpoint: this.fake.endpoint },
    };
  }

  protected createProvider({ config, logger, metrics }: ProviderContext): Provider {
    return createAzureProvider({
      clusterId: config.clusterId,
      routeTableIds: config.azure.routeTableIds,
      endpoint: this.fake.endpoint,
      credential: fakeCredential,
      caCertificate: this.fake.caCertificate,
      pollIntervalMs: 10,
      clock: systemClock,
      logger: logger.child({ component: "azure" }),
      calls: metrics.callObserver,
    });
  }

  /** The next-hop IP of `cidr` in each route table (undefined when it has no such route). */
  routes(cidr = "10.8.0.0/24"): (string | undefined)[] {
    return this.tables.map((id) => {
      const route = this.fake.routeTable(id)?.routes.find((r) => r.addressPrefix === cidr);
      if (route === undefined) return undefined;
      // A route whose operation has not succeeded is not in place yet (nor gone yet).
      if (route.provisioningState !== "Succeeded") return route.provisioningState;
      return route.nextHopIpAddress ?? route.nextHopType;
    });
  }

  /** Waits until every table routes `cidr` to `ip` (or has no route when `ip` is undefined). */
  async routesConverge(ip: string | undefined, cidr = "10.8.0.0/24"): Promise<number> {
    return await this.eventually(
      () => this.routes(cidr).every((hop) => hop === ip),
      `every table routes ${cidr} to ${ip ?? "nothing"}`,
    );
  }

  protected override async closeCloud(): Promise<void> {
    await this.fake?.close();
  }
}
