import type { Clock } from "../clock.js";
import type { Logger } from "../observability/logger.js";
import type { KubeSource } from "./client/client.js";
import type { KubeNode } from "./client/types.js";
import { SupervisedInformer } from "./informer.js";

/** What of a Node decides its cloud target; a change of it is news. */
interface NodeRecord {
  readonly providerId: string | undefined;
  readonly internalIps: readonly string[];
}

/** Where to watch and whom to tell. */
export interface HostingNodeWatchOptions {
  readonly kubeConfig: KubeSource;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when a watched Node was deleted or its providerID or InternalIPs changed. */
  readonly onNodeChanged: (name: string) => void;
}

const toRecord = (node: KubeNode): NodeRecord => ({
  providerId: node.spec?.providerID,
  internalIps: (node.status?.addresses ?? [])
    .filter((a) => a.type === "InternalIP")
    .map((a) => a.address),
});

/**
 * Watches only the Nodes that host VPN endpoints (one field-selected watch each, usually one or
 * two), so the deletion of a hosting Node is noticed within moments instead of when its cached
 * lookup expires, while memory and API load stay independent of the cluster's size.
 */
export class HostingNodeWatch {
  private readonly watches = new Map<string, AbortController>();
  private readonly options: HostingNodeWatchOptions;

  constructor(options: HostingNodeWatchOptions) {
    this.options = options;
  }

  /** Watches exactly `names` from now on: starts the new ones, stops the others. */
  watchOnly(names: ReadonlySet<string>, signal: AbortSignal): void {
    for (const [name, stop] of this.watches) {
      if (names.has(name)) continue;
      stop.abort();
      this.watches.delete(name);
    }
    for (const name of names) {
      if (this.watches.has(name) || signal.aborted) continue;
      const stop = new AbortController();
      this.watches.set(name, stop);
      const informer = this.informer(name);
      void informer.run(AbortSignal.any([signal, stop.signal]));
      // Deleted between the reconciler's read and this watch's first list: news as well.
      void informer.whenSynced().then(() => {
        if (!stop.signal.aborted && informer.get(`/${name}`) === undefined)
          this.options.onNodeChanged(name);
      });
    }
  }

  private informer(name: string): SupervisedInformer<KubeNode, NodeRecord> {
    const { kubeConfig, clock, logger, onNodeChanged } = this.options;
    return new SupervisedInformer<KubeNode, NodeRecord>({
      name: `node/${name}`,
      path: `/api/v1/nodes?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`,
      kubeConfig,
      clock,
      logger,
      transform: toRecord,
      onChange: (_key, value, previous) => {
        // The first list only says what the reconciler has just read; later changes are news.
        if (previous === undefined && value !== undefined) return;
        logger.info({ node: name, deleted: value === undefined }, "hosting node changed");
        onNodeChanged(name);
      },
    });
  }
}
