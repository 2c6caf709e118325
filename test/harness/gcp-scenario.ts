import { createGcpProvider } from "../../providers/gcp/index.js";
import type { Provider } from "../../providers/types.js";
import { systemClock } from "../../src/clock.js";
import type { InstanceSeed, RouteView } from "../fakes/gcp/control.js";
import { fakeAuthClient } from "../fakes/gcp/sdk-options.js";
import { type FakeCompute, startFakeCompute } from "../fakes/gcp/server.js";
import {
  ControllerScenario,
  type ProviderContext,
  type ScenarioController,
} from "./controller-scenario.js";

/** A controller started by a GCP scenario, with what it counted. */
export type GcpScenarioController = ScenarioController;

const project = "scenario-project";
const network = "vpc";

/**
 * One isolated GCP scenario: its own Compute Engine fake (network `vpc`, three instances, the
 * real SDK over HTTP on the real clock), its own namespace and Nodes on the shared API server,
 * and an in-process controller whose provider differs from production only by endpoint and
 * credentials. Mirrors AwsScenario, so the controller scenarios read the same on every cloud.
 */
export class GcpScenario extends ControllerScenario {
  readonly instances: readonly InstanceSeed[];
  fake!: FakeCompute;

  constructor(name: string, kubeconfigPath: string) {
    super(name, kubeconfigPath);
    this.instances = ["b", "c", "d"].map((zone, i) => ({
      name: `${name}-node-${i}`,
      zone: `europe-west1-${zone}`,
      network,
      networkIP: `10.0.0.${10 + i}`,
    }));
  }

  /** Starts the fake, seeds network, subnet and instances, the namespace and one Node each. */
  async setUp(canIpForward = true): Promise<this> {
    // Without the network's system routes: decoding them on the provider's first listing blocked
    // the event loop past these scenarios' 2 s lease renew deadline on a loaded machine (the
    // first routes.list took 3.4 s instead of 1.5 s); providers/gcp/provider-documented.test.ts
    // covers the provider with them.
    this.fake = await startFakeCompute({ project, behaviour: { systemRoutes: false } });
    const { control } = this.fake;
    control.seedNetwork({ name: network });
    control.seedSubnetwork({
      name: "nodes",
      region: "europe-west1",
      network,
      ipCidrRange: "10.0.0.0/20",
      secondaryIpRanges: [{ rangeName: "pods", ipCidrRange: "10.4.0.0/14" }],
    });
    await this.objects.ensureNamespace(this.namespace);
    for (const seed of this.instances) {
      control.seedInstance({ ...seed, canIpForward });
      await this.objects.createNode({
        name: seed.name,
        providerId: `gce://${project}/${seed.zone}/${seed.name}`,
        internalIp: seed.networkIP,
      });
    }
    return this;
  }

  /** The instance behind node `i` (node and instance share their name, as on GKE). */
  node(i: number): InstanceSeed {
    const seed = this.instances[i];
    if (seed === undefined) throw new Error(`scenario ${this.name} has no node ${i}`);
    return seed;
  }

  protected cloud() {
    return {
      provider: "gcp",
      options: { gcpProject: project, gcpNetwork: network, gcpEndpoint: this.fake.url },
    };
  }

  protected createProvider({ config, logger, metrics }: ProviderContext): Provider {
    return createGcpProvider({
      clusterId: config.clusterId,
      project: config.gcp.project ?? project,
      network: config.gcp.network ?? network,
      routePriority: config.gcp.routePriority,
      endpoint: this.fake.url,
      authClient: fakeAuthClient(),
      pollIntervalMs: 20,
      clock: systemClock,
      logger: logger.child({ component: "gcp" }),
      calls: metrics.callObserver,
    });
  }

  /** The instance names the network's routes for `cidr` point at, by route name. */
  routes(cidr = "10.8.0.0/24"): string[] {
    return this.fake.control
      .routes()
      .filter((r: RouteView) => r.destRange === cidr)
      .map((r) => String(r.nextHopInstance ?? r.nextHopIp ?? "").replace(/^.*\//, ""));
  }

  /** Waits until `cidr` has exactly one route, to `instance` (or none when undefined). */
  async routesConverge(
    instance: string | undefined,
    cidr = "10.8.0.0/24",
    timeoutMs = 20_000,
  ): Promise<number> {
    const wanted = instance === undefined ? [] : [instance];
    return await this.eventually(
      () => JSON.stringify(this.routes(cidr)) === JSON.stringify(wanted),
      `network ${network} routes ${cidr} only to ${instance ?? "nothing"}`,
      timeoutMs,
    );
  }

  protected override async closeCloud(): Promise<void> {
    await this.fake?.close();
  }
}
