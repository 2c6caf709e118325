import type { Cidr, IpFamily } from "../../src/domain/cidr.js";
import { mustParseCidr } from "../../src/domain/cidr.js";
import type { ObservedRoute, ObservedTable, RouteOwner } from "../../src/domain/route.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { NotFoundError, PermanentError } from "../../src/errors.js";
import type { Provider, ProviderCapabilities, ResolvedTarget, RouteWrite } from "../types.js";

/** A route as the in-memory cloud stores it. */
export interface FakeRoute {
  targetId: string | undefined;
  targetDescription: string;
}

/** A node as the in-memory cloud knows it: one target per family, forwarding on or off. */
export interface FakeNode {
  readonly targets: Partial<Record<IpFamily, string>>;
  forwarding: boolean;
}

/** Options of the in-memory provider used by unit tests and the contract suite. */
export interface FakeProviderOptions {
  readonly tables: readonly string[];
  readonly networkCidrs?: readonly string[];
  readonly capabilities?: Partial<ProviderCapabilities>;
}

/**
 * An in-memory cloud behind the Provider port, for reconciler unit tests: routes and ownership
 * records per table, nodes with targets, a call log, and a hook to fail the next calls.
 */
export class FakeProvider implements Provider {
  readonly name = "fake";
  readonly capabilities: ProviderCapabilities;
  readonly routes = new Map<string, Map<string, FakeRoute>>();
  readonly owners = new Map<string, Map<string, RouteOwner>>();
  readonly nodes = new Map<string, FakeNode>();
  readonly calls: string[] = [];
  /** Called before every operation; throw from it to inject a fault. */
  beforeCall: (operation: string) => void = () => {};
  private readonly cidrs: Cidr[];

  constructor(options: FakeProviderOptions) {
    this.capabilities = {
      gaplessReplace: true,
      forwardingCheck: true,
      manageForwarding: false,
      ipv6: true,
      ...options.capabilities,
    };
    for (const table of options.tables) {
      this.routes.set(table, new Map());
      this.owners.set(table, new Map());
    }
    this.cidrs = (options.networkCidrs ?? ["172.31.0.0/16"]).map(mustParseCidr);
  }

  private record(operation: string): void {
    this.calls.push(operation);
    this.beforeCall(operation);
  }

  private table(id: string): { routes: Map<string, FakeRoute>; owners: Map<string, RouteOwner> } {
    const routes = this.routes.get(id);
    const owners = this.owners.get(id);
    if (routes === undefined || owners === undefined)
      throw new NotFoundError(`route table ${id} does not exist`);
    return { routes, owners };
  }

  async networkCidrs(): Promise<readonly Cidr[]> {
    this.record("networkCidrs");
    return this.cidrs;
  }

  async listTables(): Promise<readonly ObservedTable[]> {
    this.record("listTables");
    return [...this.routes.keys()].map((id) => {
      const { routes, owners } = this.table(id);
      const observed: ObservedRoute[] = [...routes].map(([cidr, r]) => ({
        table: id,
        cidr,
        targetId: r.targetId,
        targetDescription: r.targetDescription,
        owner: owners.get(cidr),
        exists: true,
      }));
      for (const [cidr, owner] of owners) {
        if (!routes.has(cidr)) {
          observed.push({
            table: id,
            cidr,
            targetId: undefined,
            targetDescription: "(none)",
            owner,
            exists: false,
          });
        }
      }
      return { id, routes: observed };
    });
  }

  async resolveTarget(node: NodeInfo, family: IpFamily): Promise<ResolvedTarget> {
    this.record("resolveTarget");
    const known = this.nodes.get(node.name);
    const id = known?.targets[family];
    if (known === undefined || id === undefined) {
      throw new NotFoundError(`node ${node.name} has no IPv${family} target in the fake cloud`, {
        retryable: false,
      });
    }
    return {
      id,
      nodeName: node.name,
      description: `${id} (${node.name})`,
      forwarding: known.forwarding
        ? { state: "enabled" }
        : { state: "disabled", message: `forwarding is off on ${id} (node ${node.name})` },
    };
  }

  async applyWrite(write: RouteWrite): Promise<void> {
    this.record(`applyWrite:${write.kind}`);
    const { routes, owners } = this.table(write.table);
    const cidr = write.cidr.text;
    if (write.kind === "delete") {
      routes.delete(cidr);
      owners.delete(cidr);
      return;
    }
    if (write.target === undefined)
      throw new PermanentError(`${write.kind} of ${cidr} has no target`);
    owners.set(cidr, write.owner);
    routes.set(cidr, { targetId: write.target.id, targetDescription: write.target.id });
  }

  async enableForwarding(target: ResolvedTarget): Promise<void> {
    this.record("enableForwarding");
    const node = this.nodes.get(target.nodeName);
    if (node !== undefined) node.forwarding = true;
  }

  /** Puts a route into a table directly, as another actor would, with an optional ownership record. */
  putRoute(table: string, cidr: string, targetId: string | undefined, owner?: RouteOwner): void {
    const t = this.table(table);
    t.routes.set(cidr, { targetId, targetDescription: targetId ?? "igw-foreign" });
    if (owner !== undefined) t.owners.set(cidr, owner);
  }

  /** The route a table has for a CIDR, if any. */
  routeOf(table: string, cidr: string): FakeRoute | undefined {
    return this.routes.get(table)?.get(cidr);
  }

  /** Number of write calls made so far. */
  writeCount(): number {
    return this.calls.filter((c) => c.startsWith("applyWrite")).length;
  }
}
