import { canonicalCidrText, isSameIp } from "../../../providers/aws/cidr-text.js";
import type {
  Ec2Filter,
  Ec2NetworkInterface,
  Ec2Page,
  Ec2Pages,
  Ec2Port,
  Ec2Route,
  Ec2RouteKey,
  Ec2RouteSpec,
  Ec2RouteTable,
  Ec2Tag,
  Ec2Vpc,
} from "../../../providers/aws/port.js";
import { awsServiceError } from "./service-error.js";

/** One recorded port call, for asserting order and counts. */
export interface FakeCall {
  readonly method: keyof Ec2Port;
  readonly detail: string;
}

interface FakeTable {
  vpcId: string;
  routes: Map<string, Ec2Route>;
  tags: Map<string, string>;
}

const route = (cidr: string, fields: Partial<Ec2Route>): Ec2Route => ({
  destinationCidr: cidr.includes(":") ? undefined : cidr,
  destinationIpv6Cidr: cidr.includes(":") ? cidr : undefined,
  destinationPrefixListId: undefined,
  networkInterfaceId: undefined,
  instanceId: undefined,
  otherTargetId: undefined,
  state: "active",
  ...fields,
});

/**
 * An in-memory EC2 behind the Ec2Port that answers like real AWS, not like LocalStack:
 * CreateRoute on an existing route is RouteAlreadyExists, ReplaceRoute on a missing one is
 * InvalidParameterValue, DeleteTags removes a tag only when its value matches, 50 tags at most.
 * For unit tests and the provider contract suite; records every call and injects failures.
 */
export class FakeEc2Port implements Ec2Port {
  readonly calls: FakeCall[] = [];
  readonly tables = new Map<string, FakeTable>();
  readonly interfaces = new Map<string, Ec2NetworkInterface>();
  readonly vpcs = new Map<string, Ec2Vpc>();
  pageSize = 100;
  private readonly failures = new Map<keyof Ec2Port, unknown[]>();

  /** Makes the next call of `method` throw `error` (queued; one per call). */
  failNext(method: keyof Ec2Port, error: unknown): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  addTable(id: string, vpcId: string, tags: Record<string, string> = {}): void {
    this.tables.set(id, { vpcId, routes: new Map(), tags: new Map(Object.entries(tags)) });
  }

  /** Puts a route directly, as a person or another tool would; `fields` name its target. */
  putRoute(tableId: string, cidr: string, fields: Partial<Ec2Route>): void {
    this.table(tableId).routes.set(cidr, route(cidr, fields));
  }

  describeRouteTables(filters: readonly Ec2Filter[]): Ec2Pages<Ec2RouteTable> {
    return this.pages("describeRouteTables", filters, () => this.routeTables(filters));
  }

  describeNetworkInterfaces(filters: readonly Ec2Filter[]): Ec2Pages<Ec2NetworkInterface> {
    return this.pages("describeNetworkInterfaces", filters, () => this.networkInterfaces(filters));
  }

  describeVpcs(filters: readonly Ec2Filter[]): Ec2Pages<Ec2Vpc> {
    return this.pages("describeVpcs", filters, () => {
      const ids = filters.find((f) => f.name === "vpc-id")?.values;
      return [...this.vpcs.values()].filter((v) => ids === undefined || ids.includes(v.id));
    });
  }

  private routeTables(filters: readonly Ec2Filter[]): Ec2RouteTable[] {
    const all = [...this.tables].map(
      ([id, t]): Ec2RouteTable => ({
        id,
        vpcId: t.vpcId,
        routes: [...t.routes.values()],
        tags: [...t.tags].map(([key, value]) => ({ key, value })),
      }),
    );
    return all.filter((t) =>
      filters.every((f) => {
        if (f.name === "route-table-id") return f.values.includes(t.id);
        if (f.name === "vpc-id") return f.values.includes(t.vpcId ?? "");
        if (f.name.startsWith("tag:")) {
          return t.tags.some((g) => g.key === f.name.slice(4) && f.values.includes(g.value));
        }
        throw awsServiceError("InvalidParameterValue", `The filter '${f.name}' is invalid`);
      }),
    );
  }

  private networkInterfaces(filters: readonly Ec2Filter[]): Ec2NetworkInterface[] {
    return [...this.interfaces.values()].filter((eni) =>
      filters.every((f) => {
        if (f.name === "attachment.instance-id") return f.values.includes(eni.instanceId ?? "");
        if (f.name === "vpc-id") return f.values.includes(eni.vpcId ?? "");
        if (f.name === "addresses.private-ip-address") {
          return eni.privateIps.some((ip) => f.values.includes(ip));
        }
        if (f.name === "ipv6-addresses.ipv6-address") {
          return eni.ipv6Addresses.some((ip) => f.values.some((v) => isSameIp(v, ip)));
        }
        throw awsServiceError("InvalidParameterValue", `The filter '${f.name}' is invalid`);
      }),
    );
  }

  async createRoute(spec: Ec2RouteSpec): Promise<void> {
    this.record("createRoute", `${spec.tableId} ${spec.cidr.text} -> ${spec.networkInterfaceId}`);
    const table = this.table(spec.tableId);
    this.eni(spec.networkInterfaceId);
    if (this.find(table, spec) !== undefined) {
      throw awsServiceError(
        "RouteAlreadyExists",
        `The route identified by ${spec.cidr.text} already exists.`,
      );
    }
    table.routes.set(spec.cidr.text, this.eniRoute(spec));
  }

  async replaceRoute(spec: Ec2RouteSpec): Promise<void> {
    this.record("replaceRoute", `${spec.tableId} ${spec.cidr.text} -> ${spec.networkInterfaceId}`);
    const table = this.table(spec.tableId);
    this.eni(spec.networkInterfaceId);
    const existing = this.find(table, spec);
    if (existing === undefined) {
      throw awsServiceError(
        "InvalidParameterValue",
        `There is no route defined for '${spec.cidr.text}' in the route table. Use CreateRoute instead.`,
      );
    }
    table.routes.delete(existing);
    table.routes.set(spec.cidr.text, this.eniRoute(spec));
  }

  async deleteRoute(key: Ec2RouteKey): Promise<void> {
    this.record("deleteRoute", `${key.tableId} ${key.cidr.text}`);
    const table = this.table(key.tableId);
    const existing = this.find(table, key);
    if (existing === undefined) {
      throw awsServiceError(
        "InvalidRoute.NotFound",
        `The route identified by ${key.cidr.text} does not exist in Route Table ${key.tableId}.`,
      );
    }
    table.routes.delete(existing);
  }

  async createTags(resourceId: string, tags: readonly Ec2Tag[]): Promise<void> {
    this.record("createTags", `${resourceId} ${tagText(tags)}`);
    const table = this.table(resourceId);
    const added = tags.filter((t) => !table.tags.has(t.key)).length;
    if (table.tags.size + added > 50) {
      throw awsServiceError(
        "TagLimitExceeded",
        "The maximum number of Tags for a resource has been reached.",
      );
    }
    for (const t of tags) table.tags.set(t.key, t.value);
  }

  async deleteTags(resourceId: string, tags: readonly Ec2Tag[]): Promise<void> {
    this.record("deleteTags", `${resourceId} ${tagText(tags)}`);
    const table = this.table(resourceId);
    for (const t of tags) if (table.tags.get(t.key) === t.value) table.tags.delete(t.key);
  }

  async setSourceDestCheck(networkInterfaceId: string, enabled: boolean): Promise<void> {
    this.record("setSourceDestCheck", `${networkInterfaceId} ${enabled}`);
    const eni = this.eni(networkInterfaceId);
    this.interfaces.set(eni.id, { ...eni, sourceDestCheck: enabled });
  }

  private record(method: keyof Ec2Port, detail: string): void {
    this.calls.push({ method, detail });
    const queued = this.failures.get(method);
    if (queued !== undefined && queued.length > 0) throw queued.shift();
  }

  /** Pages of `pageSize` as EC2 gives them: each page is one recorded call, read afresh. */
  private async *pages<T>(
    method: keyof Ec2Port,
    filters: readonly Ec2Filter[],
    matches: () => readonly T[],
  ): Ec2Pages<T> {
    let start = 0;
    for (;;) {
      this.record(method, filterText(filters));
      const items = matches();
      const end = start + this.pageSize;
      const page: Ec2Page<T> = {
        items: items.slice(start, end),
        nextToken: end < items.length ? String(end) : undefined,
      };
      yield page;
      if (page.nextToken === undefined) return;
      start = end;
    }
  }

  private table(id: string): FakeTable {
    const table = this.tables.get(id);
    if (table === undefined) {
      throw awsServiceError(
        "InvalidRouteTableID.NotFound",
        `The routeTable ID '${id}' does not exist`,
      );
    }
    return table;
  }

  private eni(id: string): Ec2NetworkInterface {
    const eni = this.interfaces.get(id);
    if (eni === undefined) {
      throw awsServiceError(
        "InvalidNetworkInterfaceID.NotFound",
        `The networkInterface ID '${id}' does not exist`,
      );
    }
    return eni;
  }

  private find(table: FakeTable, key: Ec2RouteKey): string | undefined {
    return [...table.routes.keys()].find((c) => canonicalCidrText(c) === key.cidr.text);
  }

  private eniRoute(spec: Ec2RouteSpec): Ec2Route {
    const eni = this.eni(spec.networkInterfaceId);
    return route(spec.cidr.text, { networkInterfaceId: eni.id, instanceId: eni.instanceId });
  }
}

const filterText = (filters: readonly Ec2Filter[]) =>
  filters.map((f) => `${f.name}=${f.values.join(",")}`).join(" ");
const tagText = (tags: readonly Ec2Tag[]) => tags.map((t) => `${t.key}=${t.value}`).join(" ");
