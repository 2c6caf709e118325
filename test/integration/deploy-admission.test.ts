import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  cloudValues,
  type KubeDocument,
  parseDocuments,
  renderChart,
} from "../../deploy/generate-manifests.js";
import { ensureHelmTools, RawKube, type RawObject, writeValuesFile } from "../harness/helm.js";
import { ensureKubeBinaries } from "../harness/kube-apiserver.js";

const suffix = randomBytes(3).toString("hex");
const services = "/api/v1/namespaces/vpn/services";
const editors = `editors-${suffix}`;
const admins = `vpn-admins-${suffix}`;
/** Impersonation headers, as `kubectl --as --as-group` sends them. */
const as = (user: string, group: string) => ({
  "Impersonate-User": user,
  "Impersonate-Group": group,
});
const editor = as("alice", editors);
const networkAdmin = as("bob", admins);
const annotation = "vpc-route-sync.io/cidrs";
let kube: RawKube;
let kubectl: string;
let policyDocs: KubeDocument[] = [];

const service = (name: string, annotations: Record<string, string>): RawObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "vpn", annotations } as RawObject["metadata"],
  spec: { selector: { app: name }, ports: [{ port: 1194, protocol: "UDP" }] },
});
const messageOf = (body: unknown) => (body as { message?: string }).message ?? JSON.stringify(body);

/** A merge patch of annotations, on the Service itself or on its status subresource. */
const annotate = (
  name: string,
  annotations: Record<string, string | null>,
  headers: Record<string, string>,
  subresource = "",
) =>
  kube.request("PATCH", `${services}/${name}${subresource}`, {
    body: { metadata: { annotations } },
    contentType: "application/merge-patch+json",
    headers,
  });

async function applyForReal(object: RawObject): Promise<void> {
  const result = await kube.apply(object, { dryRun: false });
  if (result.status >= 300) throw new Error(`applying ${object.kind}: ${messageOf(result.body)}`);
}

async function annotationsOf(name: string): Promise<Record<string, string>> {
  const found = await kube.request("GET", `${services}/${name}`);
  return (
    (found.body as { metadata: { annotations?: Record<string, string> } }).metadata.annotations ??
    {}
  );
}

/** Creates a Service without vpc-route-sync.io annotations, as the editor. */
async function createPlain(name: string): Promise<void> {
  const created = await kube.request("POST", services, {
    body: service(name, { team: "vpn" }),
    headers: editor,
  });
  expect(created.status, messageOf(created.body)).toBe(201);
}

beforeAll(async () => {
  const [tools, binaries] = await Promise.all([ensureHelmTools(), ensureKubeBinaries()]);
  kubectl = binaries.kubectl;
  const admin = new KubeConfig();
  admin.loadFromFile(inject("kubeconfigPath"));
  kube = new RawKube(admin);
  await applyForReal({ apiVersion: "v1", kind: "Namespace", metadata: { name: "vpn" } });
  // The chart's defaults: the policy is on without being asked for.
  policyDocs = parseDocuments(
    renderChart(tools.helm, {
      releaseName: `vrs-admission-${suffix}`,
      namespace: `vrs-admission-${suffix}`,
      valuesFiles: [
        cloudValues("aws"),
        writeValuesFile({ admissionPolicy: { allowedGroups: ["system:masters", admins] } }),
      ],
    }),
  ).filter((d) => d.kind.startsWith("ValidatingAdmissionPolicy"));
  expect(policyDocs).toHaveLength(2);
  // Editors may write Services and their status (as cloud and load-balancer controllers may).
  const rules = [
    { apiGroups: [""], resources: ["services"], verbs: ["create", "update", "patch", "get"] },
    { apiGroups: [""], resources: ["services/status"], verbs: ["update", "patch", "get"] },
  ];
  const subjects = [editors, admins].map((name) => ({
    apiGroup: "rbac.authorization.k8s.io",
    kind: "Group",
    name,
  }));
  const rbac = "rbac.authorization.k8s.io/v1";
  const meta = { name: `edit-${suffix}`, namespace: "vpn" };
  await applyForReal({ apiVersion: rbac, kind: "Role", metadata: meta, rules });
  await applyForReal({
    apiVersion: rbac,
    kind: "RoleBinding",
    metadata: meta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: meta.name },
    subjects,
  });
  for (const doc of policyDocs) await applyForReal(doc);
  // The policy takes effect once the API server's policy informer has it: probe with dry-run.
  const started = Date.now();
  const probe = service(`probe-${suffix}`, { [annotation]: "10.8.0.0/24" });
  while (
    (await kube.request("POST", `${services}?dryRun=All`, { body: probe, headers: editor }))
      .status < 300
  ) {
    if (Date.now() - started > 30_000) throw new Error("the admission policy never took effect");
    await new Promise((r) => setTimeout(r, 200));
  }
}, 900_000);

afterAll(async () => {
  for (const doc of [...policyDocs].reverse()) {
    await kube.request("DELETE", await kube.pathOf(doc));
  }
});

describe("admission policy for vpc-route-sync.io annotations (on by default)", () => {
  it("refuses a Service created with a vpc-route-sync.io annotation by someone not allowed", async () => {
    const result = await kube.request("POST", services, {
      body: service(`a-${suffix}`, { [annotation]: "10.8.0.0/24" }),
      headers: editor,
    });
    expect(result.status).toBe(403);
    expect(messageOf(result.body)).toContain(`alice may not set ${annotation}`);
  });

  it("lets that user edit everything else, and lets the allowed group set and remove the annotations", async () => {
    const name = `b-${suffix}`;
    await createPlain(name);
    expect((await annotate(name, { [annotation]: "10.8.0.0/24" }, editor)).status).toBe(403);
    expect(
      (await annotate(name, { "Vpc-Route-Sync.io/cidrs": "10.8.0.0/24" }, editor)).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await annotate(name, { [annotation]: "10.8.0.0/24" }, networkAdmin)).status).toBe(200);
    expect((await annotate(name, { team: "network" }, editor)).status).toBe(200);
    expect((await annotate(name, { [annotation]: "10.8.1.0/24" }, editor)).status).toBe(403);
    expect((await annotate(name, { [annotation]: null }, editor)).status).toBe(403);
    expect((await annotate(name, { [annotation]: null }, networkAdmin)).status).toBe(200);
  });

  it("refuses the annotation sent through the status subresource, and persists nothing", async () => {
    const name = `status-${suffix}`;
    await createPlain(name);
    const result = await annotate(name, { [annotation]: "10.8.0.0/24" }, editor, "/status");
    expect(result.status, messageOf(result.body)).toBe(403);
    expect(messageOf(result.body)).toContain(`alice may not set ${annotation}`);
    expect(await annotationsOf(name)).not.toHaveProperty(annotation);
    const allowed = await annotate(name, { [annotation]: "10.8.0.0/24" }, networkAdmin, "/status");
    expect(allowed.status, messageOf(allowed.body)).toBe(200);
    expect(await annotationsOf(name)).toHaveProperty(annotation, "10.8.0.0/24");
  });

  it("refuses the annotation sent with server-side apply", async () => {
    const name = `ssa-${suffix}`;
    await createPlain(name);
    const applied = await kube.apply(service(name, { [annotation]: "10.8.0.0/24" }), {
      dryRun: false,
      headers: editor,
    });
    expect(applied.status, messageOf(applied.body)).toBe(403);
    expect(await annotationsOf(name)).not.toHaveProperty(annotation);
  });

  it("refuses `kubectl annotate` by someone not allowed, with the reason", async () => {
    const name = `kubectl-${suffix}`;
    await createPlain(name);
    const annotateAs = (user: string, group: string) =>
      promisify(execFile)(kubectl, [
        ...["--kubeconfig", inject("kubeconfigPath"), "-n", "vpn", "annotate", "service", name],
        ...[`${annotation}=10.8.0.0/24`, `--as=${user}`, `--as-group=${group}`],
      ])
        .then(() => ({ ok: true, stderr: "" }))
        .catch((error: { stderr?: string }) => ({ ok: false, stderr: error.stderr ?? "" }));
    const denied = await annotateAs("alice", editors);
    expect(denied.ok).toBe(false);
    expect(denied.stderr).toContain(`alice may not set ${annotation}`);
    expect(await annotationsOf(name)).not.toHaveProperty(annotation);
    const allowed = await annotateAs("bob", admins);
    expect(allowed, allowed.stderr).toEqual({ ok: true, stderr: "" });
    expect(await annotationsOf(name)).toHaveProperty(annotation, "10.8.0.0/24");
  });
});
