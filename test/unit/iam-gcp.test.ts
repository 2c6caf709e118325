import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";

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

describe("GCP IAM documents", () => {
  it("grant in the custom role exactly the compute permissions of the SDK calls, nothing more", () => {
    const methods = methodsInClient();
    expect(methods.length).toBeGreaterThanOrEqual(8);
    for (const method of methods) {
      expect(permissionsOfMethod[method], `IAM permissions of ${method}`).toBeDefined();
    }
    const needed = [...new Set(methods.flatMap((m) => permissionsOfMethod[m] ?? []))].sort();
    const role = readYaml("custom-role.yaml");
    expect(role.stage).toBe("GA");
    expect([...(role.includedPermissions as string[])].sort()).toEqual(needed);
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
    const role = readYaml("custom-role.yaml").includedPermissions as string[];
    expect([...new Set(listed)].sort()).toEqual([...role].sort());
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
    for (const key of ["PROJECT_ID", "NAMESPACE", "SERVICE_ACCOUNT", "NETWORK_PROJECT"]) {
      expect(guide, `docs/install-gcp.md sets ${key}`).toContain(`export ${key}=`);
    }
  });
});
