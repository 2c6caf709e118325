/** The ARM operations the fake implements, named as the SDK's operation groups name them. */
export type OperationName =
  | "routeTables.get"
  | "tags.updateAtScope"
  | "routes.list"
  | "routes.get"
  | "routes.createOrUpdate"
  | "routes.delete"
  | "networkInterfaces.get"
  | "networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces"
  | "virtualMachines.get"
  | "virtualNetworks.get"
  | "operations.get"
  | "operationResults.get";

/** A request matched to an operation; `resourceId` is the decoded path (an ARM id for resources). */
export interface MatchedRequest {
  readonly operation: OperationName;
  readonly resourceId: string;
  readonly params: readonly string[];
}

const rg = "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers";
const sub = "/subscriptions/([^/]+)/providers";
const table: readonly [string, string, OperationName][] = [
  ["GET", `${rg}/Microsoft\\.Network/routeTables/([^/]+)`, "routeTables.get"],
  [
    "PATCH",
    `${rg}/Microsoft\\.Network/routeTables/([^/]+)/providers/Microsoft\\.Resources/tags/default`,
    "tags.updateAtScope",
  ],
  ["GET", `${rg}/Microsoft\\.Network/routeTables/([^/]+)/routes`, "routes.list"],
  ["GET", `${rg}/Microsoft\\.Network/routeTables/([^/]+)/routes/([^/]+)`, "routes.get"],
  ["PUT", `${rg}/Microsoft\\.Network/routeTables/([^/]+)/routes/([^/]+)`, "routes.createOrUpdate"],
  ["DELETE", `${rg}/Microsoft\\.Network/routeTables/([^/]+)/routes/([^/]+)`, "routes.delete"],
  ["GET", `${rg}/Microsoft\\.Network/networkInterfaces/([^/]+)`, "networkInterfaces.get"],
  [
    "GET",
    `${rg}/Microsoft\\.Compute/virtualMachineScaleSets/([^/]+)/virtualMachines/([^/]+)/networkInterfaces`,
    "networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces",
  ],
  ["GET", `${rg}/Microsoft\\.Compute/virtualMachines/([^/]+)`, "virtualMachines.get"],
  ["GET", `${rg}/Microsoft\\.Network/virtualNetworks/([^/]+)`, "virtualNetworks.get"],
  ["GET", `${sub}/Microsoft\\.Network/locations/([^/]+)/operations/([^/]+)`, "operations.get"],
  [
    "GET",
    `${sub}/Microsoft\\.Network/locations/([^/]+)/operationResults/([^/]+)`,
    "operationResults.get",
  ],
];

const compiled = table.map(
  ([method, path, operation]) => [method, new RegExp(`^${path}$`, "i"), operation] as const,
);

/** Matches a method and URL path (ARM paths are case-insensitive); undefined when unknown. */
export function matchRequest(method: string, pathname: string): MatchedRequest | undefined {
  for (const [m, regex, operation] of compiled) {
    if (m !== method) continue;
    const match = regex.exec(pathname);
    if (match) {
      const params = match.slice(1).map((param) => decodeURIComponent(param));
      return { operation, resourceId: decodeURIComponent(pathname), params };
    }
  }
  return undefined;
}
