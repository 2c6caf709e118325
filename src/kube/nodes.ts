import type { Clock } from "../clock.js";
import type { NodeInfo } from "../domain/service.js";
import { type KubeSource, kubeClientFor } from "./client/client.js";
import type { KubeNode } from "./client/types.js";

/** Reads a node by name; a port so tests and the agent can supply nodes without an API server. */
export type NodeReader = (name: string) => Promise<NodeInfo>;

/** Builds a reader that GETs one node: only nodes hosting endpoints are ever read, none watched. */
export function kubeNodeReader(kubeConfig: KubeSource): NodeReader {
  const client = kubeClientFor(kubeConfig);
  return async (name) => {
    const node = await client.get<KubeNode>(`/api/v1/nodes/${encodeURIComponent(name)}`, {
      what: `reading node ${name}`,
      forbiddenHint: "grant get on nodes to this ServiceAccount",
    });
    return {
      name,
      providerId: node.spec?.providerID,
      internalIps: (node.status?.addresses ?? [])
        .filter((a) => a.type === "InternalIP")
        .map((a) => a.address),
    };
  };
}

/**
 * Caches node lookups for a short time, so a steady state reads no nodes and memory stays
 * proportional to the nodes that host VPN endpoints, not to the cluster.
 */
export class NodeDirectory {
  private readonly cache = new Map<string, { node: NodeInfo; at: number }>();
  private readonly read: NodeReader;
  private readonly clock: Clock;
  private readonly ttlMs: number;

  private readonly watch: ((names: ReadonlySet<string>) => void) | undefined;

  /**
   * `watch` is told, on every pass, which nodes host endpoints now, so their changes (a deletion
   * above all) can evict their entries at once instead of after the TTL.
   */
  constructor(
    read: NodeReader,
    clock: Clock,
    options: { ttlMs?: number; watch?: (names: ReadonlySet<string>) => void } = {},
  ) {
    this.read = read;
    this.clock = clock;
    this.ttlMs = options.ttlMs ?? 300_000;
    this.watch = options.watch;
  }

  async get(name: string): Promise<NodeInfo> {
    const hit = this.cache.get(name);
    const now = this.clock.monotonicMs();
    if (hit && now - hit.at < this.ttlMs) return hit.node;
    const node = await this.read(name);
    this.cache.set(name, { node, at: now });
    return node;
  }

  /**
   * Drops entries that are neither in `keep` nor younger than the TTL, so the cache never outgrows
   * the nodes that hosted endpoints lately, while a VPN Pod moving back to a recent node (the
   * common failover and failback) needs no Node read on the critical path.
   */
  retainOnly(keep: ReadonlySet<string>): void {
    this.watch?.(keep);
    const now = this.clock.monotonicMs();
    for (const [name, entry] of this.cache)
      if (!keep.has(name) && now - entry.at >= this.ttlMs) this.cache.delete(name);
  }

  forget(name: string): void {
    this.cache.delete(name);
  }
}
