import type { Clock } from "../../src/clock.js";
import { ConfigError, isThrottled, PermanentError } from "../../src/errors.js";
import type { Logger } from "../../src/observability/logger.js";
import type { CallObserver, Provider, ProviderCapabilities } from "../types.js";
import { classifyAzureError } from "./errors.js";
import { clusterIdProblem } from "./naming.js";
import { NetworkCidrs } from "./network.js";
import { observeTable } from "./observe.js";
import type { AzurePort } from "./port.js";
import { idKey, parseRouteTableId, type ResourceRef } from "./resource-id.js";
import { type CallRunner, TargetResolver } from "./targets.js";
import { RouteWriter } from "./writes.js";

/** Settings of the Azure provider that do not concern how the SDK is reached. */
export interface AzureProviderSettings {
  /** Recorded in route names and tags so two clusters sharing a route table never fight. */
  readonly clusterId: string;
  /** Full route table resource ids; several subscriptions and resource groups are fine. */
  readonly routeTableIds: readonly string[];
  /** VNets whose address space is protected in addition to those derived from the tables. */
  readonly virtualNetworkIds?: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly calls?: CallObserver;
  /** How long NIC/VM lookups and VNet address spaces are reused (default 5 minutes). */
  readonly cacheTtlMs?: number;
}

const capabilities: ProviderCapabilities = {
  gaplessReplace: true,
  forwardingCheck: true,
  manageForwarding: false,
  ipv6: true,
};

function parseTables(ids: readonly string[]): Map<string, ResourceRef> {
  if (ids.length === 0) throw new ConfigError("azure: configure at least one route table id");
  const tables = new Map<string, ResourceRef>();
  for (const id of ids) {
    const ref = parseRouteTableId(id);
    if (!ref) {
      throw new ConfigError(
        `azure: ${JSON.stringify(id)} is not a route table id; expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/routeTables/<name>`,
      );
    }
    tables.set(idKey(id), ref);
  }
  return tables;
}

/**
 * The Azure provider over any `AzurePort`: the SDK port in production (index.ts), a hand-written
 * port in unit tests. Every port call goes through one runner that times it, reports it to the
 * CallObserver and classifies its error.
 */
export function createAzureProviderFromPort(
  settings: AzureProviderSettings,
  port: AzurePort,
): Provider {
  const problem = clusterIdProblem(settings.clusterId);
  if (problem) throw new ConfigError(`azure: ${problem}`);
  const tables = parseTables(settings.routeTableIds);
  const { clock } = settings;
  const logger = settings.logger.child({ component: "azure-provider" });
  const cacheTtlMs = settings.cacheTtlMs ?? 300_000;
  const call: CallRunner = async (operation, resource, fn) => {
    const started = clock.monotonicMs();
    const seconds = (): number => (clock.monotonicMs() - started) / 1000;
    try {
      const result = await fn();
      settings.calls?.onCall("azure", operation, "ok", seconds());
      return result;
    } catch (error) {
      const typed = classifyAzureError(error, { operation, resource });
      settings.calls?.onCall(
        "azure",
        operation,
        isThrottled(typed) ? "throttled" : "error",
        seconds(),
      );
      throw typed;
    }
  };
  const targets = new TargetResolver(port, call, clock, cacheTtlMs);
  const writer = new RouteWriter({
    port,
    call,
    clusterId: settings.clusterId,
    tables,
    logger,
  });
  const network = new NetworkCidrs({
    port,
    call,
    tables: [...tables.values()],
    virtualNetworkIds: settings.virtualNetworkIds ?? [],
    clock,
    cacheTtlMs,
    logger,
  });

  return {
    name: "azure",
    capabilities,
    networkCidrs: () => network.get(),
    listTables: () =>
      Promise.all(
        settings.routeTableIds.map(async (id) => {
          const ref = tables.get(idKey(id));
          if (!ref)
            throw new ConfigError(`azure: route table ${id} vanished from the configuration`);
          const table = await call("routeTables.get", `${ref.resourceGroup}/${ref.name}`, () =>
            port.getRouteTable(ref),
          );
          return observeTable(id, table, settings.clusterId);
        }),
      ),
    resolveTarget: (node, family) => targets.resolve(node, family),
    applyWrite: (write) => writer.apply(write),
    enableForwarding: async (target) => {
      throw new PermanentError(
        `azure: IP forwarding is a NIC setting (enableIPForwarding) the admin owns and this controller never changes; enable it for ${target.description}: az network nic update --ids <nic-id> --ip-forwarding true, or in the node pool's scale set network profile`,
      );
    },
  };
}
