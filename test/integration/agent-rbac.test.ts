import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AuthorizationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1ClusterRole,
  type V1DaemonSet,
} from "@kubernetes/client-node";
import { loadAll } from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FakeKernel } from "../../src/agent/fake-kernel.js";
import type { AgentPassResult } from "../../src/agent/reconcile.js";
import type { RunningAgent } from "../../src/cli/agent.js";
import { ensureNodeAddresses, fixtureSliceManager } from "../harness/kube-objects.js";
import { startTestAgent } from "../harness/test-agent.js";

const manifest = loadAll(
  readFileSync(join(import.meta.dirname, "../../deploy/manifests/agent-daemonset.yaml"), "utf8"),
) as { kind: string }[];
const clusterRoles = manifest.filter((d) => d.kind === "ClusterRole") as V1ClusterRole[];
const roleRules = (name: string) => clusterRoles.find((r) => r.metadata?.name === name)?.rules;
const daemonSet = manifest.find((d) => d.kind === "DaemonSet") as V1DaemonSet;

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe("agent DaemonSet manifest", () => {
  it("runs non-privileged with hostNetwork, NET_ADMIN only, a read-only root and NODE_NAME", () => {
    const pod = daemonSet.spec?.template.spec;
    const container = pod?.containers[0];
    expect(pod?.hostNetwork).toBe(true);
    expect(pod?.tolerations).toEqual([{ operator: "Exists" }]);
    expect(container?.securityContext).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
    });
    expect(container?.env).toContainEqual({
      name: "NODE_NAME",
      valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } },
    });
    expect(container?.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(container?.livenessProbe?.httpGet?.path).toBe("/healthz");
  });
});

describe("agent with exactly the manifest's RBAC, against a real kube-apiserver", () => {
  const suffix = randomBytes(3).toString("hex");
  const namespace = `agent-rbac-${suffix}`;
  const admin = new KubeConfig();
  const agentConfig = new KubeConfig();
  const kernels = [new FakeKernel(), new FakeKernel()];
  const passes: AgentPassResult[] = [];
  const agents: RunningAgent[] = [];
  const node = (i: number) => `${namespace}-n${i}`;

  beforeAll(async () => {
    admin.loadFromFile(inject("kubeconfigPath"));
    const core = admin.makeApiClient(CoreV1Api);
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: "agent" } } });
    // The manifest's two ClusterRoles, bound as it binds them: Services and EndpointSlices by a
    // RoleBinding in the allowed namespace only, Nodes cluster-wide.
    const subjects = [{ kind: "ServiceAccount", name: "agent", namespace }];
    for (const role of ["services", "nodes"]) {
      const name = `vrs-agent-${role}-${suffix}`;
      const rules = roleRules(`vpc-route-sync-agent-${role}`);
      if (rules === undefined) throw new Error(`the manifest has no ${role} ClusterRole`);
      await rbac.createClusterRole({ body: { metadata: { name }, rules } });
      const roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name };
      if (role === "services") {
        await rbac.createNamespacedRoleBinding({
          namespace,
          body: { metadata: { name }, roleRef, subjects },
        });
      } else {
        await rbac.createClusterRoleBinding({ body: { metadata: { name }, roleRef, subjects } });
      }
    }
    const token = await core.createNamespacedServiceAccountToken({
      namespace,
      name: "agent",
      body: { spec: { audiences: ["https://kubernetes.default.svc"], expirationSeconds: 3600 } },
    });
    const cluster = admin.getCurrentCluster();
    if (cluster === null || token.status?.token === undefined)
      throw new Error("no cluster or token");
    agentConfig.loadFromOptions({
      clusters: [cluster],
      users: [{ name: "agent", token: token.status.token }],
      contexts: [{ name: "agent", cluster: cluster.name, user: "agent" }],
      currentContext: "agent",
    });
    for (const i of [1, 2]) {
      const addresses = [{ type: "InternalIP", address: `10.100.0.${i}` }];
      await core.createNode({ body: { metadata: { name: node(i) }, status: { addresses } } });
      await ensureNodeAddresses(core, node(i), addresses);
    }
    kernels[0]?.lookups.set("10.244.1.10", { dev: "cali1" });
    for (const [i, kernel] of kernels.entries()) {
      agents.push(
        await startTestAgent({
          nodeName: node(i + 1),
          namespace,
          kubeConfig: agentConfig,
          kernel,
          masquerade: true,
          onPass: (p) => passes.push(p),
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.allSettled(agents.map((a) => a.stop()));
  });

  const routes = (i: number) =>
    (kernels[i]?.routes ?? []).map(
      (r) => `${r.dst} via ${r.gateway}${r.onlink ? ` dev ${r.dev}` : ""}`,
    );

  it("watches, reads the hosting Node and programs both nodes with no other permission", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: "openvpn", annotations: { "vpc-route-sync.io/cidrs": "10.8.0.0/24" } },
        // No selector: the real EndpointSlice controller runs; the slice below is hand-written.
        spec: { ports: [{ port: 1194, protocol: "UDP" }] },
      },
    });
    await admin.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({
      namespace,
      body: {
        metadata: {
          name: "openvpn-1",
          labels: {
            "kubernetes.io/service-name": "openvpn",
            "endpointslice.kubernetes.io/managed-by": fixtureSliceManager,
          },
        },
        addressType: "IPv4",
        endpoints: [{ addresses: ["10.244.1.10"], nodeName: node(1), conditions: { ready: true } }],
      },
    });
    await until(
      "both nodes are programmed",
      () => routes(0).length === 1 && routes(1).length === 1,
    );
    expect(routes(0)).toEqual(["10.8.0.0/24 via 10.244.1.10 dev cali1"]);
    expect(routes(1)).toEqual(["10.8.0.0/24 via 10.100.0.1"]);
    expect(kernels[1]?.nat[4].get("VRS-MASQ")).toHaveLength(1);
    expect(passes.filter((p) => p.status === "error")).toEqual([]);
  });

  it("is denied every write and every read it does not need", async () => {
    const review = agentConfig.makeApiClient(AuthorizationV1Api);
    const can = async (verb: string, resource: string, group = "", where = namespace) =>
      (
        await review.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { verb, resource, group, namespace: where } } },
        })
      ).status?.allowed;
    expect(await can("watch", "services")).toBe(true);
    expect(await can("list", "endpointslices", "discovery.k8s.io")).toBe(true);
    expect(await can("get", "nodes")).toBe(true);
    expect(await can("list", "services", "", "kube-system")).toBe(false);
    for (const [verb, resource, group] of [
      ["create", "services", ""],
      ["patch", "services", ""],
      ["update", "endpointslices", "discovery.k8s.io"],
      ["list", "nodes", ""],
      ["patch", "nodes", ""],
      ["get", "secrets", ""],
      ["create", "events", ""],
    ] as const) {
      expect(await can(verb, resource, group), `${verb} ${resource}`).toBe(false);
    }
  });

  it("removes the routes and the masquerade chain when the Service is deleted", async () => {
    await admin.makeApiClient(CoreV1Api).deleteNamespacedService({ namespace, name: "openvpn" });
    await until("both nodes are clean", () => routes(0).length === 0 && routes(1).length === 0);
    await until("the chain is gone", () => kernels.every((k) => !k.nat[4].has("VRS-MASQ")));
  });
});
