import { randomBytes } from "node:crypto";
import { KubeConfig } from "@kubernetes/client-node";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  clouds,
  cloudValues,
  type KubeDocument,
  parseDocuments,
  renderChart,
} from "../../deploy/generate-manifests.js";
import {
  ensureHelmTools,
  type HelmTools,
  optionalFeatureValues,
  RawKube,
  type RawObject,
  writeValuesFile,
} from "../harness/helm.js";

const suffix = randomBytes(3).toString("hex");
const releaseName = `vrs-apply-${suffix}`;
const namespace = `vrs-apply-${suffix}`;
const agentNamespace = `vrs-agent-${suffix}`;
const baselineNamespace = `vrs-baseline-${suffix}`;
let tools: HelmTools;
let kube: RawKube;

/**
 * The Prometheus Operator's CRDs are not part of a bare API server. This stand-in has the
 * operator's group, version, kind and the upstream schema of exactly the fields the chart sets,
 * without x-kubernetes-preserve-unknown-fields, so strict field validation still catches a typo.
 */
const serviceMonitorCrd: RawObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "servicemonitors.monitoring.coreos.com" },
  spec: {
    group: "monitoring.coreos.com",
    scope: "Namespaced",
    names: {
      kind: "ServiceMonitor",
      listKind: "ServiceMonitorList",
      plural: "servicemonitors",
      singular: "servicemonitor",
    },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            required: ["spec"],
            properties: {
              spec: {
                type: "object",
                required: ["selector"],
                properties: {
                  selector: {
                    type: "object",
                    properties: {
                      matchLabels: { type: "object", additionalProperties: { type: "string" } },
                    },
                  },
                  namespaceSelector: {
                    type: "object",
                    properties: {
                      any: { type: "boolean" },
                      matchNames: { type: "array", items: { type: "string" } },
                    },
                  },
                  endpoints: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        port: { type: "string" },
                        path: { type: "string" },
                        scheme: { type: "string", enum: ["http", "https"] },
                        interval: {
                          type: "string",
                          pattern:
                            "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
                        },
                        scrapeTimeout: {
                          type: "string",
                          pattern:
                            "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const namespaceObject = (name: string, level?: string): RawObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name,
    ...(level === undefined
      ? {}
      : {
          labels: {
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/warn": level,
          },
        }),
  } as RawObject["metadata"],
});

async function applyForReal(object: RawObject): Promise<void> {
  const result = await kube.apply(object, { dryRun: false });
  if (result.status >= 300)
    throw new Error(
      `applying ${object.kind} ${object.metadata.name}: ${JSON.stringify(result.body)}`,
    );
}

/** Renders with the allowlist pointing at `vpn` and this run's names. */
function renderAll(
  cloud: (typeof clouds)[number],
  extra: Record<string, unknown> = {},
): KubeDocument[] {
  return parseDocuments(
    renderChart(tools.helm, {
      releaseName,
      namespace,
      valuesFiles: [cloudValues(cloud), writeValuesFile(extra)],
    }),
  );
}

/** A Pod with the pod template of a Deployment or DaemonSet, to put Pod Security to the test. */
function podOf(workload: KubeDocument, podNamespace: string): RawObject {
  const template = (workload.spec as { template: { spec: Record<string, unknown> } }).template;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `${workload.metadata.name}-probe`, namespace: podNamespace },
    spec: structuredClone(template.spec),
  };
}

/** The message of a Status the API server answered with. */
const messageOf = (body: unknown) => (body as { message?: string }).message ?? JSON.stringify(body);

const createPod = async (pod: RawObject) =>
  kube.request("POST", `${await kube.pathOf(pod, true)}?dryRun=All&fieldValidation=Strict`, {
    body: pod,
  });

beforeAll(async () => {
  tools = await ensureHelmTools();
  const admin = new KubeConfig();
  admin.loadFromFile(inject("kubeconfigPath"));
  kube = new RawKube(admin);
  for (const object of [
    namespaceObject(namespace, "restricted"),
    namespaceObject(baselineNamespace, "baseline"),
    namespaceObject("vpn"),
    serviceMonitorCrd,
  ]) {
    await applyForReal(object);
  }
  const started = Date.now();
  while ((await kube.request("GET", "/apis/monitoring.coreos.com/v1")).status !== 200) {
    if (Date.now() - started > 30_000) throw new Error("the ServiceMonitor CRD was never served");
    await new Promise((r) => setTimeout(r, 200));
  }
}, 900_000);

describe("rendered manifests against the real kube-apiserver", () => {
  it.each(clouds)(
    "apply for %s, every optional feature on, with server-side dry-run and strict validation, without warnings",
    async (cloud) => {
      const docs = renderAll(cloud, optionalFeatureValues(agentNamespace));
      expect(docs.length).toBeGreaterThan(15);
      for (const doc of docs.filter((d) => d.kind === "Namespace")) await applyForReal(doc);
      for (const doc of docs) {
        const result = await kube.apply(doc, { dryRun: true });
        const what = `${doc.kind} ${doc.metadata.namespace ?? ""}/${doc.metadata.name}`;
        expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBeLessThan(300);
        expect(result.warnings, what).toEqual([]);
      }
    },
  );

  it("admits the controller Pod in a namespace that enforces the Restricted standard", async () => {
    const docs = renderAll("aws");
    await applyForReal(docs.find((d) => d.kind === "ServiceAccount") as KubeDocument);
    const pod = podOf(docs.find((d) => d.kind === "Deployment") as KubeDocument, namespace);
    const admitted = await createPod(pod);
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(201);
    expect(admitted.warnings).toEqual([]);
    const weakened = structuredClone(pod);
    const container = (
      weakened.spec as { containers: { securityContext: Record<string, unknown> }[] }
    ).containers[0];
    if (container !== undefined) container.securityContext.allowPrivilegeEscalation = true;
    const refused = await createPod(weakened);
    expect(refused.status).toBe(403);
    expect(messageOf(refused.body)).toContain('violates PodSecurity "restricted:latest"');
  });

  it("admits the agent Pod only in its privileged namespace, never under Baseline", async () => {
    const docs = renderAll("gcp", optionalFeatureValues(agentNamespace));
    for (const doc of docs.filter((d) => d.kind === "Namespace")) await applyForReal(doc);
    const agentAccount = docs.find(
      (d) => d.kind === "ServiceAccount" && d.metadata.namespace === agentNamespace,
    );
    if (agentAccount === undefined) throw new Error("no agent ServiceAccount rendered");
    await applyForReal(agentAccount);
    await applyForReal({
      ...agentAccount,
      metadata: { ...agentAccount.metadata, namespace: baselineNamespace },
    });
    const daemonSet = docs.find((d) => d.kind === "DaemonSet") as KubeDocument;
    const admitted = await createPod(podOf(daemonSet, agentNamespace));
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(201);
    const refused = await createPod(podOf(daemonSet, baselineNamespace));
    expect(refused.status).toBe(403);
    const message = messageOf(refused.body);
    expect(message).toContain('violates PodSecurity "baseline:latest"');
    expect(message).toContain("host namespaces (hostNetwork=true)");
    expect(message).toContain('must not include "NET_ADMIN"');
  });
});
