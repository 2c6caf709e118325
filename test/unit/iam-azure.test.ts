import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const azureDir = join(root, "deploy", "iam", "azure");
const readJson = <T>(name: string) => JSON.parse(readFileSync(join(azureDir, name), "utf8")) as T;

/** `${NAME}`: how the IAM documents write a value to fill in (envsubst). */
const placeholder = (name: string) => `\${${name}}`;

interface RoleDefinition {
  Name: string;
  IsCustom: boolean;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  AssignableScopes: string[];
}

/**
 * The ARM operations behind each call in providers/azure/client.ts. Writes are long-running: ARM
 * polls `locations/operations` and the final GET of a PUT reads the route.
 */
const actionsOfCall: Readonly<Record<string, readonly string[]>> = {
  "routeTables.get": ["Microsoft.Network/routeTables/read"],
  // Tags - Update At Scope on the route table: Microsoft.Resources/tags/write, never the table's
  // own write (which would also allow changing BGP route propagation). It answers synchronously.
  "tags.beginUpdateAtScopeAndWait": ["Microsoft.Resources/tags/write"],
  "routes.createOrUpdate": [
    "Microsoft.Network/routeTables/routes/write",
    "Microsoft.Network/routeTables/routes/read",
    "Microsoft.Network/locations/operations/read",
  ],
  "routes.delete": [
    "Microsoft.Network/routeTables/routes/delete",
    "Microsoft.Network/locations/operations/read",
  ],
  "networkInterfaces.get": ["Microsoft.Network/networkInterfaces/read"],
  "networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces": [
    "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces/read",
  ],
  "virtualNetworks.get": ["Microsoft.Network/virtualNetworks/read"],
  "GET Microsoft.Compute/virtualMachines": ["Microsoft.Compute/virtualMachines/read"],
};

/** Every SDK call (and raw ARM GET) in the provider's only SDK file. */
function callsInClient(): string[] {
  const source = readFileSync(join(root, "providers", "azure", "client.ts"), "utf8");
  const sdk = [
    ...source.matchAll(
      /\.(routeTables|routes|networkInterfaces|virtualNetworks|tags)(?:Operations)?\s*\.(\w+)\(/g,
    ),
  ];
  const raw = [...source.matchAll(/providers\/(Microsoft\.\w+\/\w+)\//g)];
  return [
    ...new Set([...sdk.map((m) => `${m[1]}.${m[2]}`), ...raw.map((m) => `GET ${m[1]}`)]),
  ].sort();
}

const roles = () =>
  readdirSync(azureDir)
    .filter((f) => f.endsWith("-role.json"))
    .map((f) => ({ file: f, role: readJson<RoleDefinition>(f) }));

describe("Azure IAM documents", () => {
  it("grant exactly the ARM actions of the provider's calls across the custom roles", () => {
    const calls = callsInClient();
    expect(calls.length).toBeGreaterThanOrEqual(8);
    for (const call of calls) expect(actionsOfCall[call], `ARM actions of ${call}`).toBeDefined();
    const needed = [...new Set(calls.flatMap((c) => actionsOfCall[c] ?? []))].sort();
    const granted = roles().flatMap(({ role }) => role.Actions);
    expect(
      granted.every((a) => !a.includes("*")),
      "no wildcard actions",
    ).toBe(true);
    expect(granted.length, "each action in one role only").toBe(new Set(granted).size);
    expect([...granted].sort()).toEqual(needed);
  });

  it("keep every write in the route-table role, assigned on the route tables only", () => {
    for (const { file, role } of roles()) {
      expect(role.IsCustom, file).toBe(true);
      expect(role.DataActions, file).toEqual([]);
      const writes = role.Actions.filter((a) => !a.endsWith("/read"));
      if (file === "route-table-role.json") {
        expect(
          role.Actions.every(
            (a) =>
              a.startsWith("Microsoft.Network/routeTables/") ||
              a === "Microsoft.Resources/tags/write",
          ),
        ).toBe(true);
        expect(role.Actions, "no write on the table itself").not.toContain(
          "Microsoft.Network/routeTables/write",
        );
      } else {
        expect(writes, `${file} is read-only`).toEqual([]);
      }
    }
    expect(
      roles()
        .map((r) => r.file)
        .sort(),
    ).toEqual(["network-reader-role.json", "operation-status-role.json", "route-table-role.json"]);
  });

  it("list the same actions as the provider's README", () => {
    const readme = readFileSync(join(root, "providers", "azure", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Permissions"), readme.indexOf("## Tests"));
    // The README abbreviates `Microsoft.Network/routeTables/read` and `/write`: expand each.
    let prefix = "";
    const listed = [...section.matchAll(/`([A-Za-z./]+)`/g)].map(([, token = ""]) => {
      if (token.startsWith("/")) return `${prefix}${token}`;
      prefix = token.slice(0, token.lastIndexOf("/"));
      return token;
    });
    const granted = roles().flatMap(({ role }) => role.Actions);
    expect([...new Set(listed)].sort()).toEqual([...granted].sort());
  });

  it("federate only the controller's ServiceAccount token from the cluster's issuer", () => {
    const credential = readJson<Record<string, unknown>>("federated-credential.json");
    expect(credential).toMatchObject({
      issuer: placeholder("AKS_OIDC_ISSUER"),
      subject: `system:serviceaccount:${placeholder("NAMESPACE")}:${placeholder("SERVICE_ACCOUNT")}`,
      audiences: ["api://AzureADTokenExchange"],
    });
    const guide = readFileSync(join(root, "docs", "install-azure.md"), "utf8");
    const files = readdirSync(azureDir).map((f) => readFileSync(join(azureDir, f), "utf8"));
    for (const [, key] of files.join("\n").matchAll(/\$\{([A-Z0-9_]+)\}/g)) {
      expect(guide, `docs/install-azure.md sets ${key}`).toContain(`export ${key}=`);
    }
  });
});
