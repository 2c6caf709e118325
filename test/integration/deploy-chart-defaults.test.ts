import { beforeAll, describe, expect, it } from "vitest";
import {
  cloudValues,
  type KubeDocument,
  parseDocuments,
  renderChart,
} from "../../deploy/generate-manifests.js";
import { ensureHelmTools, type HelmTools, writeValuesFile } from "../harness/helm.js";

let tools: HelmTools;
beforeAll(async () => {
  tools = await ensureHelmTools();
}, 900_000);

/** The chart rendered with a cloud's example values plus `extra`, nothing else switched on. */
const render = (extra: Record<string, unknown> = {}) =>
  parseDocuments(
    renderChart(tools.helm, {
      releaseName: "vrs",
      namespace: "vrs",
      valuesFiles: [cloudValues("aws"), writeValuesFile(extra)],
    }),
  );

const only = (docs: readonly KubeDocument[], kind: string) => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as KubeDocument;
};

interface AgentContainer {
  args: string[];
  env: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  readinessProbe: { httpGet: { host?: string } };
  livenessProbe: { httpGet: { host?: string } };
}
const agentContainer = (docs: readonly KubeDocument[]) =>
  (only(docs, "DaemonSet").spec as { template: { spec: { containers: AgentContainer[] } } })
    .template.spec.containers[0] as AgentContainer;

describe("Helm chart defaults (docs/security.md)", () => {
  it("guard vpc-route-sync.io annotations on Services and their status subresource", () => {
    const policy = only(render(), "ValidatingAdmissionPolicy");
    const spec = policy.spec as {
      failurePolicy: string;
      matchConstraints: { resourceRules: { resources: string[]; operations: string[] }[] };
    };
    expect(spec.failurePolicy).toBe("Fail");
    expect(spec.matchConstraints.resourceRules.flatMap((r) => r.resources).sort()).toEqual([
      "services",
      "services/status",
    ]);
    const binding = only(render(), "ValidatingAdmissionPolicyBinding");
    expect((binding.spec as { validationActions: string[] }).validationActions).toEqual(["Deny"]);
  });

  it("admit only the metrics port to the controller, without restricting egress", () => {
    const policy = only(render(), "NetworkPolicy");
    const spec = policy.spec as {
      policyTypes: string[];
      ingress: { ports: { port: string }[]; from?: unknown }[];
    };
    expect(spec.policyTypes).toEqual(["Ingress"]);
    expect(spec.ingress).toEqual([{ ports: [{ port: "http", protocol: "TCP" }] }]);
  });

  it("serve the agent's metrics and probes on loopback, not on every node address", () => {
    const container = agentContainer(render({ agent: { enabled: true } }));
    expect(container.args).toContain("--http-address=127.0.0.1:9402");
    expect(container.readinessProbe.httpGet.host).toBe("127.0.0.1");
    expect(container.livenessProbe.httpGet.host).toBe("127.0.0.1");
  });

  it("bind the agent to the node IP from the Downward API when asked, for scraping", () => {
    const container = agentContainer(render({ agent: { enabled: true, listen: "nodeIP" } }));
    expect(container.args).toContain("--http-address=$(HOST_IP):9402");
    expect(container.env).toContainEqual({
      name: "HOST_IP",
      valueFrom: { fieldRef: { fieldPath: "status.hostIP" } },
    });
    expect(container.readinessProbe.httpGet.host).toBeUndefined();
  });
});
