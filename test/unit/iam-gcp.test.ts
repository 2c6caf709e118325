import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Environment } from "@marcbachmann/cel-js";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { routeName } from "../../providers/gcp/naming.js";

const root = join(import.meta.dirname, "..", "..");
const readYaml = (name: string) =>
  load(readFileSync(join(root, "deploy", "iam", "gcp", name), "utf8")) as Record<string, unknown>;

/** `${NAME}`: how the IAM documents write a value to fill in (envsubst). */
const placeholder = (name: string) => `\${${name}}`;

/**
 * The IAM permissions of every Compute method the provider may call, from each method's "IAM
 * Permissions" section in the Compute API reference. A call missing here fails the test, so a
 * new SDK call cannot ship without a decision about its permission.
 */
const permissionsOfMethod: Readonly<Record<string, readonly string[]>> = {
  "routes.list": ["compute.routes.list"],
  "routes.get": ["compute.routes.get"],
  "routes.insert": ["compute.routes.create", "compute.networks.updatePolicy"],
  "routes.delete": ["compute.routes.delete", "compute.networks.updatePolicy"],
  "operations.get": ["compute.globalOperations.get"],
  "operations.wait": ["compute.globalOperations.get"],
  "instances.get": ["compute.instances.get"],
  "networks.get": ["compute.networks.get"],
  "subnetworks.aggregatedListAsync": ["compute.subnetworks.list"],
};

/** `routes().insert(`, `subnetworks().aggregatedListAsync(`...: every SDK call in client.ts. */
function methodsInClient(): string[] {
  const source = readFileSync(join(root, "providers", "gcp", "client.ts"), "utf8");
  const calls = source.matchAll(
    /\b(routes|operations|instances|networks|subnetworks)\(\)\.(\w+)\(/g,
  );
  return [...new Set([...calls].map((m) => `${m[1]}.${m[2]}`))].sort();
}

const roleFiles = ["reader-role.yaml", "route-writer-role.yaml", "instance-reader-role.yaml"];
const permissionsOf = (file: string) => readYaml(file).includedPermissions as string[];
const granted = () => roleFiles.flatMap(permissionsOf);

/** What docs/install-gcp.md exports for the placeholders, e.g. a Shared VPC host project. */
const sample: Readonly<Record<string, string>> = {
  NETWORK_PROJECT: "net-host-1",
  PROJECT_ID: "my-project-123",
  CLUSTER_ID: "prod-eu-1",
  NETWORK: "vpc-main",
  GKE_CLUSTER: "prod-eu-1",
  NODE_NAME_PREFIX: "gke-prod-eu-1-",
};

interface Binding {
  project: string;
  role: string;
  condition?: { title: string; description: string; expression: string };
}

/** role-bindings.yaml with its placeholders filled in from `sample`. */
function bindings(): Binding[] {
  const text = readFileSync(join(root, "deploy", "iam", "gcp", "role-bindings.yaml"), "utf8");
  const filled = text.replace(/\$\{([A-Z_]+)\}/g, (_, key: string) => {
    const value = sample[key];
    if (value === undefined) throw new Error(`role-bindings.yaml uses an unknown \${${key}}`);
    return value;
  });
  return (load(filled) as { bindings: Binding[] }).bindings;
}

/**
 * IAM Conditions are CEL with IAM's own functions; `extract` is one of them (it returns the part
 * of a resource name matched by `{name}` in a template, or "" without a match), declared here
 * so the expressions type-check and evaluate as IAM would.
 */
const cel = new Environment()
  .registerVariable("resource", "map")
  .registerFunction("string.extract(string): string", (name: string, template: string) => {
    const [before = "", after = ""] = template.split("{name}");
    const start = name.indexOf(before);
    if (start < 0) return "";
    const rest = name.slice(start + before.length);
    const end = after === "" ? rest.length : rest.indexOf(after);
    return end < 0 ? "" : rest.slice(0, end);
  });

function conditionOf(role: string): string {
  const binding = bindings().find((b) => b.role.endsWith(`/roles/${role}`));
  expect(binding?.condition?.expression, `${role} is bound with a condition`).toBeDefined();
  return binding?.condition?.expression ?? "";
}

const allows = (expression: string, type: string, name: string) =>
  cel.evaluate(expression, { resource: { type: `compute.googleapis.com/${type}`, name } });

const ours = routeName(
  { clusterId: sample.CLUSTER_ID ?? "", service: "vpn/openvpn" },
  "10.8.0.0/24",
  "projects/my-project-123/zones/europe-west1-b/instances/gke-prod-eu-1-pool-1-abcd",
);

describe("GCP IAM documents", () => {
  it("grant across the three roles exactly the compute permissions of the SDK calls, nothing more", () => {
    const methods = methodsInClient();
    expect(methods.length).toBeGreaterThanOrEqual(8);
    for (const method of methods) {
      expect(permissionsOfMethod[method], `IAM permissions of ${method}`).toBeDefined();
    }
    const needed = [...new Set(methods.flatMap((m) => permissionsOfMethod[m] ?? []))].sort();
    for (const file of roleFiles) expect(readYaml(file).stage, file).toBe("GA");
    expect(granted().length, "each permission in one role only").toBe(new Set(granted()).size);
    expect([...granted()].sort()).toEqual(needed);
  });

  it("keep every write and instances.get in roles bound only with a condition", () => {
    expect(permissionsOf("reader-role.yaml").every((p) => /\.(get|list)$/.test(p))).toBe(true);
    expect(permissionsOf("reader-role.yaml")).not.toContain("compute.instances.get");
    const conditioned = bindings().filter((b) => b.condition !== undefined);
    expect(conditioned.map((b) => b.role.split("/").pop()).sort()).toEqual([
      "vpcRouteSyncInstanceReader",
      "vpcRouteSyncRouteWriter",
    ]);
    expect(
      bindings()
        .map((b) => b.role.split("/").pop())
        .sort(),
    ).toEqual(["vpcRouteSyncInstanceReader", "vpcRouteSyncReader", "vpcRouteSyncRouteWriter"]);
  });

  it("parse every condition as CEL", () => {
    for (const { condition } of bindings()) {
      if (condition) expect(() => cel.check(condition.expression)).not.toThrow();
    }
  });

  it.each([
    [
      "the controller's own route names",
      "Route",
      `projects/net-host-1/global/routes/${ours}`,
      true,
    ],
    [
      "the one network, for networks.updatePolicy",
      "Network",
      "projects/net-host-1/global/networks/vpc-main",
      true,
    ],
    [
      "not the default internet route",
      "Route",
      "projects/net-host-1/global/routes/default-route-0123456789abcdef",
      false,
    ],
    [
      "not another cluster's routes",
      "Route",
      "projects/net-host-1/global/routes/vrs-staging-1-0123456789ab",
      false,
    ],
    [
      "not a route whose cluster id only starts like ours",
      "Route",
      "projects/net-host-1/global/routes/vrs-prod-eu-10-0123456789ab",
      false,
    ],
    [
      "not the same route name in another project",
      "Route",
      `projects/other-1/global/routes/${ours}`,
      false,
    ],
    [
      "not another network of the project",
      "Network",
      "projects/net-host-1/global/networks/vpc-main-2",
      false,
    ],
    [
      "not anything else named like ours",
      "Firewall",
      `projects/net-host-1/global/firewalls/${ours}`,
      false,
    ],
  ])("let the route writer touch %s", (_, type, name, expected) => {
    expect(allows(conditionOf("vpcRouteSyncRouteWriter"), type, name)).toBe(expected);
  });

  it.each([
    [
      "this cluster's nodes",
      "projects/my-project-123/zones/europe-west1-b/instances/gke-prod-eu-1-pool-1-abcd",
      true,
    ],
    [
      "not other VMs of the project",
      "projects/my-project-123/zones/europe-west1-b/instances/bastion",
      false,
    ],
    [
      "not another cluster's nodes",
      "projects/my-project-123/zones/europe-west1-b/instances/gke-prod-eu-2-pool-1-abcd",
      false,
    ],
  ])("let the instance reader read %s", (_, name, expected) => {
    expect(allows(conditionOf("vpcRouteSyncInstanceReader"), "Instance", name)).toBe(expected);
  });

  it("list the same permissions as the provider's README", () => {
    const readme = readFileSync(join(root, "providers", "gcp", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Permissions"), readme.indexOf("## Tests"));
    // The README abbreviates `compute.routes.list`, `.get` ...: expand each `.verb`.
    let prefix = "";
    const listed = [...section.matchAll(/`([a-zA-Z.]+)`/g)].map(([, token = ""]) => {
      if (token.startsWith(".")) return `${prefix}${token}`;
      prefix = token.slice(0, token.lastIndexOf("."));
      return token;
    });
    expect([...new Set(listed)].sort()).toEqual([...granted()].sort());
  });

  it("bind Workload Identity for the controller's Kubernetes ServiceAccount only", () => {
    const binding = readYaml("workload-identity-binding.yaml");
    expect(binding.bindings).toEqual([
      {
        role: "roles/iam.workloadIdentityUser",
        members: [
          `serviceAccount:${placeholder("PROJECT_ID")}.svc.id.goog[${placeholder("NAMESPACE")}/${placeholder("SERVICE_ACCOUNT")}]`,
        ],
      },
    ]);
    const guide = readFileSync(join(root, "docs", "install-gcp.md"), "utf8");
    for (const key of ["NAMESPACE", "SERVICE_ACCOUNT", ...Object.keys(sample)]) {
      expect(guide, `docs/install-gcp.md sets ${key}`).toContain(`export ${key}=`);
    }
  });
});
