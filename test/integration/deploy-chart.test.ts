import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Cloud,
  chartDir,
  clouds,
  cloudValues,
  configMapName,
  type KubeDocument,
  parseDocuments,
  type RenderOptions,
  templateArgs,
} from "../../deploy/generate-manifests.js";
import { loadConfig } from "../../src/config/load.js";
import {
  ensureHelmTools,
  type HelmTools,
  optionalFeatureValues,
  runTool,
  writeValuesFile,
} from "../harness/helm.js";

let tools: HelmTools;
beforeAll(async () => {
  tools = await ensureHelmTools();
}, 900_000);

const helmTemplate = (options: RenderOptions) => runTool(tools.helm, templateArgs(options));

function render(options: RenderOptions): KubeDocument[] {
  const result = helmTemplate(options);
  if (!result.ok) throw new Error(`helm template failed: ${result.stderr}`);
  return parseDocuments(result.stdout);
}

const find = (docs: readonly KubeDocument[], kind: string, name?: string): KubeDocument => {
  const doc = docs.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
  if (doc === undefined) throw new Error(`no ${kind} ${name ?? ""} rendered`);
  return doc;
};

interface PodSpecLike {
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  topologySpreadConstraints?: unknown[];
  containers: {
    args?: string[];
    securityContext?: Record<string, unknown>;
    ports?: { name: string; containerPort: number }[];
    readinessProbe?: { httpGet?: { path: string; port: string } };
    livenessProbe?: { httpGet?: { path: string; port: string } };
    resources?: Record<string, unknown>;
  }[];
}

const podSpecOf = (doc: KubeDocument) =>
  (doc.spec as { template: { spec: PodSpecLike; metadata: { labels: Record<string, string> } } })
    .template;

describe("Helm chart", () => {
  it.each(clouds)("lints with the %s example values", (cloud) => {
    const result = runTool(tools.helm, [
      "lint",
      chartDir,
      "--strict",
      "--values",
      cloudValues(cloud),
    ]);
    expect(result.stderr + result.stdout).toContain("0 chart(s) failed");
    expect(result.ok).toBe(true);
  });

  it.each(clouds)(
    "renders a config file for %s that the controller itself accepts",
    (cloud: Cloud) => {
      const docs = render({ valuesFiles: [cloudValues(cloud)], namespace: "vrs-system" });
      const text = (find(docs, "ConfigMap", configMapName).data as Record<string, string>)[
        "config.yaml"
      ];
      const path = join(mkdtempSync(join(tmpdir(), "vrs-config-")), "config.yaml");
      writeFileSync(path, text ?? "");
      const config = loadConfig({
        options: { config: path },
        env: { POD_NAMESPACE: "vrs-system" },
      });
      expect(config.provider).toBe(cloud);
      expect(config.clusterId).toBe("prod-eu-1");
      expect(config.allowedNamespaces).toEqual(["vpn"]);
      expect(config.leaderElection).toMatchObject({ enabled: true, namespace: "vrs-system" });
      const pod = podSpecOf(find(docs, "Deployment")).spec;
      const [container] = pod.containers;
      expect(container?.args).toEqual(["controller", "--config=/etc/vpc-route-sync/config.yaml"]);
      expect(container?.ports).toEqual([
        { name: "http", containerPort: config.http.port, protocol: "TCP" },
      ]);
    },
  );

  it.each([
    [
      "aws",
      { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/vpc-route-sync" },
      undefined,
    ],
    [
      "gcp",
      { "iam.gke.io/gcp-service-account": "vpc-route-sync@my-project-123.iam.gserviceaccount.com" },
      undefined,
    ],
    [
      "azure",
      { "azure.workload.identity/client-id": "11111111-2222-3333-4444-555555555555" },
      "true",
    ],
  ] as const)(
    "wires the %s workload identity into the ServiceAccount and Pod",
    (cloud, annotations, useLabel) => {
      const docs = render({ valuesFiles: [cloudValues(cloud)] });
      expect(find(docs, "ServiceAccount").metadata.annotations).toEqual(annotations);
      const labels = podSpecOf(find(docs, "Deployment")).metadata.labels;
      expect(labels["azure.workload.identity/use"]).toBe(useLabel);
    },
  );

  it("renders the AWS ServiceAccount without annotations for EKS Pod Identity", () => {
    const docs = render({
      valuesFiles: [cloudValues("aws")],
      set: ["workloadIdentity.aws.roleArn="],
    });
    expect(find(docs, "ServiceAccount").metadata.annotations).toBeUndefined();
  });

  it("runs the controller under the Restricted Pod Security Standard with both probes", () => {
    const { spec } = podSpecOf(find(render({ valuesFiles: [cloudValues("aws")] }), "Deployment"));
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const [container] = spec.containers;
    expect(container?.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container?.resources).toMatchObject({
      requests: { cpu: "20m" },
      limits: { memory: "256Mi" },
    });
  });

  it("adds a PodDisruptionBudget and topology spread only with more than one replica", () => {
    const one = render({ valuesFiles: [cloudValues("aws")] });
    expect(one.some((d) => d.kind === "PodDisruptionBudget")).toBe(false);
    expect(podSpecOf(find(one, "Deployment")).spec.topologySpreadConstraints).toBeUndefined();
    const two = render({ valuesFiles: [cloudValues("aws")], set: ["replicaCount=2"] });
    expect(find(two, "PodDisruptionBudget").spec).toMatchObject({ maxUnavailable: 1 });
    const spread = podSpecOf(find(two, "Deployment")).spec.topologySpreadConstraints;
    expect(spread?.map((c) => (c as { topologyKey: string }).topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
  });

  it("grants Service access through one RoleBinding per allowed namespace, cluster-wide only for *", () => {
    const listed = render({
      valuesFiles: [cloudValues("aws")],
      set: ["allowedNamespaces={vpn,vpn-b}"],
    });
    const bindings = listed.filter(
      (d) => d.kind === "RoleBinding" && d.metadata.name.endsWith("-services"),
    );
    expect(bindings.map((b) => b.metadata.namespace)).toEqual(["vpn", "vpn-b"]);
    expect(
      listed.some((d) => d.kind === "ClusterRoleBinding" && d.metadata.name.endsWith("-services")),
    ).toBe(false);
    const all = render({ valuesFiles: [cloudValues("aws")], set: ["allowedNamespaces={*}"] });
    expect(find(all, "ClusterRoleBinding", "vpc-route-sync-services")).toBeDefined();
    expect(all.some((d) => d.kind === "RoleBinding" && d.metadata.name.endsWith("-services"))).toBe(
      false,
    );
  });

  it("renders no Lease permissions in dry-run mode, which never elects a leader", () => {
    const docs = render({ valuesFiles: [cloudValues("gcp")], set: ["dryRun=true"] });
    expect(docs.some((d) => d.kind === "Role")).toBe(false);
  });

  it.each([
    [
      "no clusterId, allowlist or provider",
      ["--set", "provider=aws"],
      ["missing properties 'clusterId', 'allowedCidrs', 'allowedNamespaces'"],
    ],
    [
      "an invalid clusterId",
      ["--values", cloudValues("aws"), "--set", "clusterId=Prod_1"],
      ["/clusterId", "does not match pattern"],
    ],
    [
      "an empty allowlist",
      ["--values", cloudValues("aws"), "--set", "allowedCidrs=null"],
      ["/allowedCidrs"],
    ],
    [
      "0.0.0.0/0 in the allowlist",
      ["--values", cloudValues("aws"), "--set", "allowedCidrs={0.0.0.0/0}"],
      ["/allowedCidrs/0"],
    ],
    [
      "a misspelled key",
      ["--values", cloudValues("aws"), "--set", "clusterID=prod"],
      ["additional properties 'clusterID' not allowed"],
    ],
    [
      "an unknown provider",
      ["--values", cloudValues("aws"), "--set", "provider=openstack"],
      ["/provider", "'aws', 'gcp', 'azure'"],
    ],
    [
      "* with other namespaces",
      ["--values", cloudValues("aws"), "--set", "allowedNamespaces={vpn,*}"],
      ['"*" means every namespace and must be the only entry'],
    ],
    [
      "AWS without route tables",
      ["--values", cloudValues("aws"), "--set", "aws.routeTableTags=null"],
      ["provider aws: set aws.routeTableTags"],
    ],
    [
      "GCP without a network",
      ["--values", cloudValues("gcp"), "--set", "gcp.network="],
      ["provider gcp: set gcp.project", "gcp.network"],
    ],
    [
      "Azure without route tables",
      ["--values", cloudValues("azure"), "--set", "azure.routeTableIds=null"],
      ["provider azure: set azure.routeTableIds"],
    ],
    [
      "two replicas without leader election",
      [
        "--values",
        cloudValues("aws"),
        "--set",
        "replicaCount=2",
        "--set",
        "leaderElection.enabled=false",
      ],
      ["replicaCount > 1 needs leaderElection.enabled"],
    ],
    [
      "a ServiceMonitor without the metrics Service",
      [
        "--values",
        cloudValues("aws"),
        "--set",
        "metrics.serviceMonitor.enabled=true",
        "--set",
        "metrics.service.enabled=false",
      ],
      ["metrics.serviceMonitor.enabled needs metrics.service.enabled"],
    ],
  ])("refuses %s at install with a message naming the value", (_, args, messages) => {
    const result = runTool(tools.helm, ["template", "x", chartDir, ...args]);
    expect(result.ok).toBe(false);
    for (const message of messages) expect(result.stderr).toContain(message);
  });

  it("renders every optional feature together", () => {
    const docs = render({
      valuesFiles: [cloudValues("gcp"), writeValuesFile(optionalFeatureValues("vrs-agent-x"))],
    });
    const kinds = new Set(docs.map((d) => d.kind));
    for (const kind of [
      "ServiceMonitor",
      "NetworkPolicy",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "DaemonSet",
      "Namespace",
      "PodDisruptionBudget",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    const agent = podSpecOf(find(docs, "DaemonSet")).spec;
    expect(agent.containers[0]?.args).toEqual([
      "agent",
      "--agent-mode=hop",
      "--agent-masquerade=true",
      "--allowed-cidrs=10.8.0.0/16",
      "--allowed-namespaces=vpn",
      "--cluster-cidrs=10.40.0.0/14,10.44.0.0/20",
      "--trusted-endpoint-slice-managers=endpointslice-controller.k8s.io",
      "--min-prefix-length=16",
      "--min-prefix-length-v6=48",
      "--max-cidrs-per-service=32",
      "--log-level=info",
      "--http-address=127.0.0.1:9402",
    ]);
    expect(agent.containers[0]?.securityContext).toMatchObject({
      privileged: false,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] },
    });
  });
});
