import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import {
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type KubeDocument, parseDocuments, renderChart } from "../../deploy/generate-manifests.js";
import { createProvider } from "../../providers/registry.js";
import { type RunningController, startController } from "../../src/cli/runtime.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { AwsScenario } from "../harness/aws-scenario.js";
import { ensureHelmTools, type HelmTools, RawKube, writeValuesFile } from "../harness/helm.js";
import { fixtureSliceManager } from "../harness/kube-objects.js";

const scenario = new AwsScenario(
  `rbac-${process.pid % 1000}-${Date.now() % 100_000}`,
  inject("localstackEndpoint"),
  inject("kubeconfigPath"),
);
const releaseNamespace = `${scenario.name}-system`;
const releaseName = scenario.name;
const admin = new KubeConfig();
const controllerKube = new KubeConfig();
const running: RunningController[] = [];
/** Every warning the controllers logged: a missing permission shows up here first. */
const warnings: string[] = [];
let rbacDocs: KubeDocument[] = [];
let configPath = "";
let tools: HelmTools;

/** The chart's RBAC objects and ServiceAccount, rendered for this scenario. */
function renderForScenario(): KubeDocument[] {
  const { key, value } = scenario.vpc.routeTableTag;
  const values = writeValuesFile({
    provider: "aws",
    clusterId: scenario.name,
    allowedCidrs: ["10.8.0.0/16"],
    allowedNamespaces: [scenario.namespace],
    trustedEndpointSliceManagers: [fixtureSliceManager],
    aws: { region: "us-east-1", routeTableTags: { [key]: value }, manageSourceDestCheck: true },
    resyncInterval: "2s",
    leaderElection: { leaseDuration: "3s", renewDeadline: "2s", retryPeriod: "500ms" },
  });
  return parseDocuments(
    renderChart(tools.helm, { releaseName, namespace: releaseNamespace, valuesFiles: [values] }),
  );
}

/** Starts a controller exactly as the chart configures it, with the ServiceAccount's token. */
async function startAsServiceAccount(podName: string): Promise<RunningController> {
  const config = loadConfig({
    options: {
      config: configPath,
      awsEndpoint: scenario.localstackEndpoint,
      httpAddress: "127.0.0.1:0",
      logLevel: "warn",
    },
    env: { POD_NAMESPACE: releaseNamespace, POD_NAME: podName },
  });
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      warnings.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger({ level: config.log.level, destination });
  const metrics = createMetrics("aws", { defaultMetrics: false });
  const provider = await createProvider(config, {
    clock: systemClock,
    logger,
    calls: metrics.callObserver,
  });
  const controller = await startController({
    config,
    kubeConfig: controllerKube,
    provider,
    metrics,
    logger,
    clock: systemClock,
  });
  running.push(controller);
  return controller;
}

beforeAll(async () => {
  tools = await ensureHelmTools();
  await scenario.setUp();
  admin.loadFromFile(inject("kubeconfigPath"));
  await scenario.objects.ensureNamespace(releaseNamespace);
  const docs = renderForScenario();
  const kube = new RawKube(admin);
  rbacDocs = docs.filter((d) =>
    ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"].includes(d.kind),
  );
  for (const doc of rbacDocs) {
    const result = await kube.apply(doc, { dryRun: false });
    if (result.status >= 300)
      throw new Error(`${doc.kind} ${doc.metadata.name}: ${JSON.stringify(result.body)}`);
  }
  const configMap = docs.find((d) => d.kind === "ConfigMap");
  const configText = (configMap?.data as Record<string, string> | undefined)?.["config.yaml"];
  if (configText === undefined) throw new Error("the chart rendered no config.yaml");
  configPath = join(mkdtempSync(join(tmpdir(), "vrs-rbac-")), "config.yaml");
  writeFileSync(configPath, configText);
  const account = rbacDocs.find((d) => d.kind === "ServiceAccount")?.metadata.name ?? "";
  const token = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    namespace: releaseNamespace,
    name: account,
    body: { spec: { audiences: ["https://kubernetes.default.svc"], expirationSeconds: 3600 } },
  });
  const cluster = admin.getCurrentCluster();
  if (cluster === null || token.status?.token === undefined)
    throw new Error("no cluster or no token");
  controllerKube.loadFromOptions({
    clusters: [cluster],
    users: [{ name: account, token: token.status.token }],
    contexts: [{ name: account, cluster: cluster.name, user: account }],
    currentContext: account,
  });
}, 900_000);

afterAll(async () => {
  await Promise.allSettled(running.map((c) => c.stop()));
});

async function leaseHolder(): Promise<string | undefined> {
  try {
    const lease = await admin
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: releaseNamespace, name: "vpc-route-sync" });
    return lease.spec?.holderIdentity;
  } catch {
    return undefined;
  }
}

describe("the chart's RBAC, as the controller's ServiceAccount against the real API server", () => {
  it("grants exactly the verbs src/kube uses", () => {
    const rules = rbacDocs
      .filter((d) => d.kind === "ClusterRole" || d.kind === "Role")
      .flatMap((d) =>
        (d.rules as Record<string, string[]>[]).map((r) => ({ scope: d.kind, ...r })),
      );
    expect(rules).toEqual([
      { scope: "ClusterRole", apiGroups: [""], resources: ["services"], verbs: ["list", "watch"] },
      { scope: "ClusterRole", apiGroups: [""], resources: ["services/status"], verbs: ["patch"] },
      {
        scope: "ClusterRole",
        apiGroups: ["discovery.k8s.io"],
        resources: ["endpointslices"],
        verbs: ["list", "watch"],
      },
      { scope: "ClusterRole", apiGroups: [""], resources: ["events"], verbs: ["create"] },
      {
        scope: "ClusterRole",
        apiGroups: [""],
        resources: ["nodes"],
        verbs: ["get", "list", "watch"],
      },
      {
        scope: "Role",
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: ["vpc-route-sync"],
        verbs: ["get", "update"],
      },
      {
        scope: "Role",
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["create"],
      },
    ]);
  });

  it("is enough to program routes, write Events and the status condition, and elect and hand over a leader", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await scenario.objects.createService(scenario.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await scenario.objects.setEndpoints(scenario.namespace, "openvpn", [
      { nodeName: scenario.node(0).name, address: "10.244.0.5" },
    ]);
    const first = await startAsServiceAccount("vrs-a");
    await scenario.routesConverge(scenario.node(0).eniId);
    await scenario.eventually(
      async () => (await leaseHolder())?.startsWith("vrs-a_") === true,
      "vrs-a holds the Lease",
    );
    await scenario.eventually(async () => {
      const svc = await core.readNamespacedService({
        namespace: scenario.namespace,
        name: "openvpn",
      });
      return (
        svc.status?.conditions?.some(
          (c) => c.type === "vpc-route-sync.io/RoutesProgrammed" && c.status === "True",
        ) ?? false
      );
    }, "the Service has RoutesProgrammed=True");
    await scenario.eventually(async () => {
      const events = await core.listNamespacedEvent({ namespace: scenario.namespace });
      return events.items.some(
        (e) => e.reason === "RoutesProgrammed" && e.involvedObject.name === "openvpn",
      );
    }, "a RoutesProgrammed Event was recorded");

    const second = await startAsServiceAccount("vrs-b");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(second.isLeader()).toBe(false);
    expect(await first.stop()).toBe(0);
    await scenario.eventually(
      async () => (await leaseHolder())?.startsWith("vrs-b_") === true,
      "vrs-b took the Lease over",
      15_000,
    );
    await scenario.objects.setEndpoints(scenario.namespace, "openvpn", [
      { nodeName: scenario.node(1).name, address: "10.244.1.5" },
    ]);
    await scenario.routesConverge(scenario.node(1).eniId);
    expect(second.isLeader()).toBe(true);
    expect(warnings.filter((w) => /forbidden|\b403\b/i.test(w))).toEqual([]);
  });

  const allowed = scenario.namespace;
  const accessChecks: [string, string, string, string, string, string | undefined, boolean][] = [
    ["lists Services in the allowed namespace", "list", "services", "", allowed, undefined, true],
    [
      "watches EndpointSlices in the allowed namespace",
      "watch",
      "endpointslices",
      "discovery.k8s.io",
      allowed,
      undefined,
      true,
    ],
    [
      "patches Service status in the allowed namespace",
      "patch",
      "services",
      "",
      allowed,
      "status",
      true,
    ],
    ["creates Events in the allowed namespace", "create", "events", "", allowed, undefined, true],
    ["gets a Node", "get", "nodes", "", "", undefined, true],
    [
      "creates a Lease in its own namespace",
      "create",
      "leases",
      "coordination.k8s.io",
      releaseNamespace,
      undefined,
      true,
    ],
    [
      "cannot read Secrets in the allowed namespace",
      "get",
      "secrets",
      "",
      allowed,
      undefined,
      false,
    ],
    [
      "cannot read Secrets in its own namespace",
      "get",
      "secrets",
      "",
      releaseNamespace,
      undefined,
      false,
    ],
    [
      "cannot read ConfigMaps, not even its own",
      "get",
      "configmaps",
      "",
      releaseNamespace,
      undefined,
      false,
    ],
    [
      "cannot get a single Service (it only lists and watches)",
      "get",
      "services",
      "",
      allowed,
      undefined,
      false,
    ],
    ["cannot update Services", "update", "services", "", allowed, undefined, false],
    [
      "cannot patch Services (only their status)",
      "patch",
      "services",
      "",
      allowed,
      undefined,
      false,
    ],
    ["cannot delete Services", "delete", "services", "", allowed, undefined, false],
    ["cannot create Services", "create", "services", "", allowed, undefined, false],
    [
      "cannot update Service status (server-side apply is a patch)",
      "update",
      "services",
      "",
      allowed,
      "status",
      false,
    ],
    [
      "cannot list Services in a namespace outside the allowlist",
      "list",
      "services",
      "",
      "default",
      undefined,
      false,
    ],
    ["cannot list Services cluster-wide", "list", "services", "", "", undefined, false],
    [
      "cannot watch EndpointSlices outside the allowlist",
      "watch",
      "endpointslices",
      "discovery.k8s.io",
      "default",
      undefined,
      false,
    ],
    [
      "cannot write EndpointSlices",
      "create",
      "endpointslices",
      "discovery.k8s.io",
      allowed,
      undefined,
      false,
    ],
    ["cannot list Pods", "list", "pods", "", allowed, undefined, false],
    [
      "lists Nodes (a hosting Node's watch is selected by name)",
      "list",
      "nodes",
      "",
      "",
      undefined,
      true,
    ],
    [
      "watches Nodes (a hosting Node's watch is selected by name)",
      "watch",
      "nodes",
      "",
      "",
      undefined,
      true,
    ],
    ["cannot patch Nodes", "patch", "nodes", "", "", undefined, false],
    ["cannot patch Events", "patch", "events", "", allowed, undefined, false],
    [
      "cannot create Events outside the allowlist",
      "create",
      "events",
      "",
      "default",
      undefined,
      false,
    ],
    [
      "cannot read Leases in another namespace",
      "get",
      "leases",
      "coordination.k8s.io",
      allowed,
      undefined,
      false,
    ],
    [
      "cannot create Leases in kube-system",
      "create",
      "leases",
      "coordination.k8s.io",
      "kube-system",
      undefined,
      false,
    ],
    [
      "cannot delete its Lease",
      "delete",
      "leases",
      "coordination.k8s.io",
      releaseNamespace,
      undefined,
      false,
    ],
    [
      "cannot list Leases",
      "list",
      "leases",
      "coordination.k8s.io",
      releaseNamespace,
      undefined,
      false,
    ],
    [
      "cannot mint ServiceAccount tokens",
      "create",
      "serviceaccounts",
      "",
      releaseNamespace,
      "token",
      false,
    ],
    ["cannot exec into Pods", "create", "pods", "", releaseNamespace, "exec", false],
  ];
  it.each(accessChecks)(
    "%s",
    async (_, verb, resource, group, namespace, subresource, expected) => {
      const review = await controllerKube
        .makeApiClient(AuthorizationV1Api)
        .createSelfSubjectAccessReview({
          body: {
            spec: {
              resourceAttributes: {
                verb,
                resource,
                group,
                namespace,
                ...(subresource ? { subresource } : {}),
              },
            },
          },
        });
      expect(review.status?.allowed ?? false).toBe(expected);
    },
  );

  it("can get and update only its own Lease by name", async () => {
    const review = controllerKube.makeApiClient(AuthorizationV1Api);
    const can = async (verb: string, name: string) =>
      (
        await review.createSelfSubjectAccessReview({
          body: {
            spec: {
              resourceAttributes: {
                verb,
                name,
                resource: "leases",
                group: "coordination.k8s.io",
                namespace: releaseNamespace,
              },
            },
          },
        })
      ).status?.allowed ?? false;
    expect(await can("update", "vpc-route-sync")).toBe(true);
    expect(await can("get", "vpc-route-sync")).toBe(true);
    expect(await can("update", "kube-controller-manager")).toBe(false);
    expect(await can("get", "another-lease")).toBe(false);
  });
});
