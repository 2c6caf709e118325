import type { Clock } from "../../src/clock.js";
import type { Cidr } from "../../src/domain/cidr.js";
import { ConfigError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import { canonicalPrefix } from "./naming.js";
import type { AzurePort } from "./port.js";
import { idKey, parseVirtualNetworkId, type ResourceRef, virtualNetworkId } from "./resource-id.js";
import type { CallRunner } from "./targets.js";

/** What the lookup needs; `virtualNetworkIds` are configured VNets added to the derived ones. */
export interface NetworkCidrDeps {
  readonly port: AzurePort;
  readonly call: CallRunner;
  readonly tables: readonly ResourceRef[];
  readonly virtualNetworkIds: readonly string[];
  readonly clock: Clock;
  readonly cacheTtlMs: number;
  readonly logger: Logger;
}

/**
 * The VNets' own address spaces, which requested CIDRs must never overlap. The VNets are derived
 * from the subnets the managed route tables are associated with, plus any configured
 * `virtualNetworkIds` (for tables not associated yet). Cached for the TTL: address spaces change
 * rarely and this guard must not cost calls every reconcile.
 */
export class NetworkCidrs {
  private cached: { cidrs: readonly Cidr[]; expiresAt: number } | undefined;
  private readonly deps: NetworkCidrDeps;

  constructor(deps: NetworkCidrDeps) {
    this.deps = deps;
  }

  /** The address prefixes of every VNet involved, canonical and de-duplicated. */
  async get(): Promise<readonly Cidr[]> {
    const now = this.deps.clock.monotonicMs();
    if (this.cached && this.cached.expiresAt > now) return this.cached.cidrs;
    const vnets = await this.virtualNetworks();
    const prefixes = await Promise.all(
      vnets.map((vnet) =>
        this.deps.call("virtualNetworks.get", `${vnet.resourceGroup}/${vnet.name}`, () =>
          this.deps.port.getVirtualNetworkPrefixes(vnet),
        ),
      ),
    );
    const cidrs = new Map<string, Cidr>();
    for (const prefix of prefixes.flat()) {
      const cidr = canonicalPrefix(prefix);
      if (cidr) cidrs.set(cidr.text, cidr);
      else this.deps.logger.warn({ prefix }, "VNet address prefix ignored: not a CIDR");
    }
    const result = [...cidrs.values()];
    this.cached = { cidrs: result, expiresAt: now + this.deps.cacheTtlMs };
    return result;
  }

  private async virtualNetworks(): Promise<ResourceRef[]> {
    const tables = await Promise.all(
      this.deps.tables.map((t) =>
        this.deps.call("routeTables.get", `${t.resourceGroup}/${t.name}`, () =>
          this.deps.port.getRouteTable(t),
        ),
      ),
    );
    const ids = [...this.deps.virtualNetworkIds, ...tables.flatMap((t) => t.subnetIds)];
    const vnets = new Map<string, ResourceRef>();
    for (const id of ids) {
      const ref = parseVirtualNetworkId(id);
      if (ref) vnets.set(idKey(virtualNetworkId(ref)), ref);
    }
    if (vnets.size === 0) {
      throw new ConfigError(
        "cannot tell the VNet address space: no managed route table is associated with a subnet; associate the route tables with their subnets or configure virtualNetworkIds",
      );
    }
    return [...vnets.values()];
  }
}
