import type { Provider, ResolvedTarget } from "../../providers/types.js";
import { parseServiceAnnotations } from "../annotations/parse.js";
import type { Cidr, IpFamily } from "../domain/cidr.js";
import type { Refusal } from "../domain/plan.js";
import type { EndpointInfo, ServiceIntent, ServiceKey } from "../domain/service.js";
import { errorMessage, isNotFound } from "../errors.js";
import type { ServiceRecord } from "../kube/cluster-state.js";
import type { NodeDirectory } from "../kube/nodes.js";
import { type IgnoredSlice, ignoredSliceRefusal } from "../kube/slice-trust.js";
import type { Logger } from "../observability/logger.js";
import type { PlanInput } from "../planner/desired.js";
import { namespaceRefusal } from "../planner/policy.js";
import { eligibleNodes, targetKey } from "../planner/target-selection.js";

/** What the reconciler and the `plan` command read from Kubernetes. */
export interface ClusterSnapshot {
  services(): ServiceRecord[];
  /** Endpoints from trusted EndpointSlices only. */
  endpointsOf(key: ServiceKey): EndpointInfo[];
  /** Slices whose endpoints were left out, each reported with an Event. */
  ignoredSlicesOf(key: ServiceKey): IgnoredSlice[];
}

/** Admin settings that shape planning. */
export interface PlanSettings {
  readonly clusterId: string;
  readonly allowedCidrs: readonly Cidr[];
  readonly allowedNamespaces: readonly string[];
  readonly minPrefixLength: { readonly v4: number; readonly v6: number };
  readonly clusterCidrs: readonly Cidr[];
  readonly adoptExistingRoutes: boolean;
  readonly maxCidrsPerService: number;
}

/** Everything observed in one pass, ready for the pure planner. */
export interface Observation {
  readonly input: PlanInput;
  /** Resolved targets with their forwarding status, keyed like `input.targets`. */
  readonly resolved: ReadonlyMap<string, ResolvedTarget>;
  /** Annotation problems found before planning (each becomes an Event). */
  readonly refusals: readonly Refusal[];
  readonly records: ReadonlyMap<ServiceKey, ServiceRecord>;
}

/**
 * Reads intent from the cluster snapshot and state from the cloud (one table listing, cached
 * network and node lookups, all at once) and assembles the planner's input.
 */
export async function observe(
  snapshot: ClusterSnapshot,
  provider: Provider,
  nodes: NodeDirectory,
  settings: PlanSettings,
  logger: Logger,
): Promise<Observation> {
  const intents: ServiceIntent[] = [];
  const frozen: ServiceKey[] = [];
  const refusals: Refusal[] = [];
  const records = new Map<ServiceKey, ServiceRecord>();
  for (const record of snapshot.services()) {
    records.set(record.key, record);
    const outside = namespaceRefusal(record.key, record.namespace, settings.allowedNamespaces);
    if (outside !== undefined) {
      refusals.push(outside);
      frozen.push(record.key);
      continue;
    }
    const parsed = parseServiceAnnotations(record.annotations, {
      maxCidrs: settings.maxCidrsPerService,
    });
    if (parsed.kind === "none") continue;
    if (parsed.kind === "invalid") {
      frozen.push(record.key);
      for (const message of parsed.errors)
        refusals.push({ service: record.key, reason: "InvalidAnnotation", message });
      continue;
    }
    refusals.push(...snapshot.ignoredSlicesOf(record.key).map(ignoredSliceRefusal));
    intents.push({
      key: record.key,
      createdAt: record.createdAt,
      cidrs: parsed.request.cidrs,
      routeTables: parsed.request.routeTables,
      onNoEndpoint: parsed.request.onNoEndpoint,
      endpoints: snapshot.endpointsOf(record.key),
    });
  }
  // Target resolution (a Node read and a cloud lookup for a node not seen lately) only reads,
  // and needs nothing from the tables: it runs alongside the table listing instead of after it.
  // It never throws, so a failed listing leaves nothing unhandled behind.
  const [tables, networkCidrs, { resolved, missing }] = await Promise.all([
    provider.listTables(),
    provider.networkCidrs(),
    resolveTargets(intents, provider, nodes, logger),
  ]);
  const present = withoutMissingNodes(intents, missing, refusals);
  const targets = new Map([...resolved].map(([k, t]) => [k, { id: t.id, nodeName: t.nodeName }]));
  const refused = [
    ...networkCidrs.map((cidr) => ({ cidr, why: `overlaps the network's own CIDR ${cidr.text}` })),
    ...settings.clusterCidrs.map((cidr) => ({
      cidr,
      why: `overlaps the cluster pod/service CIDR ${cidr.text}`,
    })),
  ];
  return {
    input: {
      clusterId: settings.clusterId,
      policy: {
        allowedCidrs: settings.allowedCidrs,
        minPrefixLength: settings.minPrefixLength,
        refused,
        ipv6Supported: provider.capabilities.ipv6,
      },
      adoptExistingRoutes: settings.adoptExistingRoutes,
      intents: present,
      frozen,
      tables,
      targets,
    },
    resolved,
    refusals,
    records,
  };
}

/**
 * Drops endpoints on Nodes that no longer exist (an EndpointSlice can name a deleted Node for a
 * while), so another ready endpoint is chosen, or `on-no-endpoint` decides; each is reported.
 */
function withoutMissingNodes(
  intents: ServiceIntent[],
  missing: ReadonlySet<string>,
  refusals: Refusal[],
): ServiceIntent[] {
  if (missing.size === 0) return intents;
  return intents.map((intent) => {
    const gone = intent.endpoints.filter((e) => e.nodeName && missing.has(e.nodeName));
    if (gone.length === 0) return intent;
    for (const node of new Set(gone.map((e) => e.nodeName))) {
      refusals.push({
        service: intent.key,
        reason: "EndpointNodeMissing",
        message: `the EndpointSlice still names node ${node}, which no longer exists; its endpoints are not a route target`,
      });
    }
    return { ...intent, endpoints: intent.endpoints.filter((e) => !gone.includes(e)) };
  });
}

async function resolveTargets(
  intents: readonly ServiceIntent[],
  provider: Provider,
  nodes: NodeDirectory,
  logger: Logger,
): Promise<{ resolved: Map<string, ResolvedTarget>; missing: Set<string> }> {
  const wanted = new Map<string, Set<IpFamily>>();
  for (const intent of intents) {
    const families = new Set(intent.cidrs.map((c) => c.family));
    for (const node of eligibleNodes(intent.endpoints)) {
      const set = wanted.get(node) ?? new Set<IpFamily>();
      for (const f of families) set.add(f);
      wanted.set(node, set);
    }
  }
  nodes.retainOnly(new Set(wanted.keys()));
  const resolved = new Map<string, ResolvedTarget>();
  const missing = new Set<string>();
  await Promise.all(
    [...wanted].map(async ([name, families]) => {
      try {
        const node = await nodes.get(name);
        for (const family of families) {
          try {
            resolved.set(targetKey(name, family), await provider.resolveTarget(node, family));
          } catch (error) {
            logger.warn({ err: error, node: name, family }, "target not resolved");
          }
        }
      } catch (error) {
        if (isNotFound(error)) missing.add(name);
        else logger.warn({ node: name, error: errorMessage(error) }, "node not read");
        nodes.forget(name);
      }
    }),
  );
  return { resolved, missing };
}
