import { ApiException, type V1EndpointSlice, type V1Node } from "@kubernetes/client-node";
import { AwsScenario, type ScenarioController } from "./aws-scenario.js";
import { startKwok } from "./control-plane-components.js";
import type { ControlPlaneInfo } from "./global-setup.js";
import { kubectl } from "./kubectl.js";
import type { ManagedProcess } from "./processes.js";
import {
  CallLog,
  type CallRecorder,
  type RecordedCall,
  startCallRecorder,
} from "./resilience-recorder.js";
import {
  cleanMove,
  type MoveSummary,
  type RouteSample,
  RouteWatch,
  summarizeMove,
} from "./route-watch.js";
import type { VpnDeploymentSpec } from "./vpn-deployment.js";
import { Workloads } from "./workloads.js";

/** Options of a user story: which seeded nodes get a kwok of their own (so they can crash). */
export interface StoryOptions {
  readonly ownKwokNodes?: readonly number[];
  /** Where the controller's recorded EC2 calls go (a fault proxy); LocalStack by default. */
  readonly ec2Upstream?: string;
}

const isNodeReady = (node: V1Node) =>
  node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/**
 * A user story on the shared control plane: a seeded VPC on LocalStack whose instances are kwok
 * Nodes (same providerID and InternalIP), the VPN server as a real Deployment behind an annotated
 * Service, and the controller's EC2 calls recorded at the wire so tests can count writes.
 */
export class StoryScenario extends AwsScenario {
  readonly workloads: Workloads;
  readonly calls = new CallLog();
  readonly plane: ControlPlaneInfo;
  private readonly story: StoryOptions;
  private readonly ownKwoks = new Map<string, ManagedProcess>();
  private recorder: CallRecorder | undefined;

  constructor(
    name: string,
    localstackEndpoint: string,
    kubeconfigPath: string,
    plane: ControlPlaneInfo,
    story: StoryOptions = {},
  ) {
    super(name, localstackEndpoint, kubeconfigPath);
    this.plane = plane;
    this.story = story;
    this.workloads = new Workloads(this.kubeConfig);
  }

  /** Seeds the VPC and the namespace, creates the kwok Nodes and waits until they are Ready. */
  override async setUp(): Promise<this> {
    await super.setUp();
    this.recorder = await startCallRecorder(
      this.name,
      this.story.ec2Upstream ?? this.localstackEndpoint,
      this.calls,
    );
    await this.eventually(async () => {
      const nodes = await Promise.all(
        this.vpc.nodes.map((n) => this.workloads.core.readNode({ name: n.name })),
      );
      return nodes.every(isNodeReady);
    }, `the kwok Nodes of ${this.name} are Ready`);
    return this;
  }

  protected override async createNodes(): Promise<void> {
    for (const [i, node] of this.vpc.nodes.entries()) {
      const own = this.story.ownKwokNodes?.includes(i) ?? false;
      await this.workloads.createNode({
        name: node.name,
        providerId: node.providerId,
        internalIp: node.privateIp,
        // A zone per scenario: the node-lifecycle controller judges zone health from its Nodes only.
        zone: `${this.name}-${node.availabilityZone}`,
        pool: this.name,
        kwok: own ? "own" : "shared",
      });
      if (own) {
        const kwok = await startKwok(
          {
            kwok: this.plane.kwok,
            kubeconfigPath: this.kubeconfigPath,
            workDir: this.plane.workDir,
          },
          { singleNode: node.name },
          `kwok-${node.name}`,
        );
        this.ownKwoks.set(node.name, kwok);
      }
    }
  }

  /** The controller, with its EC2 calls going through this scenario's recorder. */
  override async startController(
    overrides: Record<string, unknown> = {},
  ): Promise<ScenarioController> {
    if (this.recorder === undefined) throw new Error(`scenario ${this.name} is not set up`);
    return await super.startController({ awsEndpoint: this.recorder.url, ...overrides });
  }

  /** The annotated VPN Service selecting the Deployment's Pods, and the Deployment. */
  async deployVpn(
    annotations: Record<string, string>,
    spec: Partial<VpnDeploymentSpec> = {},
  ): Promise<void> {
    const name = spec.name ?? "openvpn";
    await this.objects.createService(this.namespace, name, annotations, { app: name });
    await this.workloads.createDeployment({
      namespace: this.namespace,
      name,
      pool: this.name,
      replicas: 1,
      ...spec,
    });
  }

  /** The seeded node (index) whose name is `nodeName`. */
  nodeIndex(nodeName: string): number {
    const i = this.vpc.nodes.findIndex((n) => n.name === nodeName);
    if (i < 0) throw new Error(`${nodeName} is not a node of scenario ${this.name}`);
    return i;
  }

  /**
   * Waits until exactly `count` Pods of the app are ready and not terminating (not counting the
   * Pods named in `except`) and returns their node indexes, sorted.
   */
  async readyOn(
    count: number,
    options: { app?: string; timeoutMs?: number; except?: readonly (string | undefined)[] } = {},
  ): Promise<number[]> {
    const app = options.app ?? "openvpn";
    let nodes: string[] = [];
    await this.eventually(
      async () => {
        nodes = (await this.workloads.readyPods(this.namespace, app))
          .filter((p) => !options.except?.includes(p.metadata?.name))
          .map((p) => p.spec?.nodeName ?? "");
        return nodes.length === count;
      },
      `${count} ready Pod(s) of ${app}`,
      options.timeoutMs ?? 30_000,
    );
    return nodes.map((n) => this.nodeIndex(n)).sort();
  }

  /**
   * Waits until every table routes the CIDR to one seeded node other than `except`; returns it.
   * For stories where the controller, not the test, picks among several ready Pods.
   */
  async routedNode(except = -1, timeoutMs = 20_000): Promise<number> {
    let node = -1;
    await this.eventually(
      async () => {
        const targets = await this.routes();
        node = this.vpc.nodes.findIndex((n) => n.eniId === targets[0]);
        return node >= 0 && node !== except && targets.every((t) => t === targets[0]);
      },
      `every table routes to one node${except >= 0 ? ` other than node ${except}` : ""}`,
      timeoutMs,
    );
    return node;
  }

  /** The app's EndpointSlices, as the EndpointSlice controller wrote them. */
  async slices(app = "openvpn"): Promise<V1EndpointSlice[]> {
    const { items } = await this.workloads.discovery.listNamespacedEndpointSlice({
      namespace: this.namespace,
      labelSelector: `kubernetes.io/service-name=${app}`,
    });
    return items;
  }

  /** Mutating EC2 calls the controller made from `since` (an index into `calls.writes()`). */
  writesSince(since: number): RecordedCall[] {
    return this.calls.writes().slice(since);
  }

  /** What the move since `mark` (a `calls.writes()` length) looked like from outside. */
  moveSummary(samples: readonly RouteSample[], mark: number): MoveSummary {
    return summarizeMove(samples, this.writesSince(mark));
  }

  /** The summary of a clean move to `node`: no gap, each table once, one ReplaceRoute per table. */
  oneMoveTo(node: number): MoveSummary {
    return cleanMove(this.vpc.routeTableIds, this.node(node).eniId);
  }

  /** Polls the route tables until stopped; see RouteWatch. */
  watchRoutes(cidr = "10.8.0.0/24"): RouteWatch {
    return RouteWatch.start(() => this.routes(cidr));
  }

  /**
   * `kubectl drain` of the node, as an operator runs it (cordon, evict, wait until its Pods are
   * gone), then waits for the replacement and returns the node index it became ready on.
   */
  async drain(node: number): Promise<number> {
    await kubectl(this.plane.kubectl, this.kubeconfigPath, [
      "drain",
      this.node(node).name,
      "--ignore-daemonsets",
      "--timeout=60s",
    ]);
    const [next] = await this.readyOn(1);
    if (next === undefined) throw new Error(`no ready VPN Pod after draining node ${node}`);
    return next;
  }

  /** Kills the kwok playing the kubelet of `nodeName`: its lease stops, as in a node crash. */
  async crashNode(nodeName: string): Promise<void> {
    const kwok = this.ownKwoks.get(nodeName);
    if (kwok === undefined) throw new Error(`${nodeName} has no kwok of its own to crash`);
    kwok.child.kill("SIGKILL");
    await kwok.stop(0);
    this.ownKwoks.delete(nodeName);
  }

  /** Stops the controllers, own kwoks and the recorder; deletes the namespace and the Nodes. */
  override async tearDown(): Promise<void> {
    await super.tearDown();
    await Promise.all([...this.ownKwoks.values()].map((k) => k.stop(1_000)));
    await this.recorder?.close();
    const ignoreMissing = (error: unknown) => {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    };
    await this.workloads.core.deleteNamespace({ name: this.namespace }).catch(ignoreMissing);
    for (const node of this.vpc?.nodes ?? [])
      await this.workloads.core.deleteNode({ name: node.name }).catch(ignoreMissing);
  }
}
