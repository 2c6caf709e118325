import type { KubeConfig, RequestContext } from "@kubernetes/client-node";

/** What a request's dispatcher is, as far as sharing it goes (undici's Dispatcher). */
type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/** One dispatcher per KubeConfig and TLS identity. */
const shared = new WeakMap<KubeConfig, Map<string, Dispatcher>>();

/**
 * What decides a connection's TLS: the cluster's server, CA, verification and proxy, and the
 * user's client certificate. Undefined for an exec credential plugin, which may hand out a new
 * client certificate with any token, so its requests keep client-node's own dispatcher.
 */
function tlsIdentity(kubeConfig: KubeConfig): string | undefined {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (cluster === null || user?.exec) return undefined;
  return JSON.stringify([
    cluster.server,
    cluster.caData,
    cluster.caFile,
    cluster.skipTLSVerify,
    cluster.tlsServerName,
    cluster.proxyUrl,
    user?.certData,
    user?.certFile,
    user?.keyData,
    user?.keyFile,
  ]);
}

/**
 * Gives the request the dispatcher (connection pool) earlier requests of this KubeConfig used.
 * client-node builds a new undici Agent for every request, so every list page and every watch
 * opened its own TLS connection and secure context; at a cold start of a cluster-wide informer
 * that kept tens of them alive at once, and the process kept that memory. Keep-alive
 * connections are reused instead, as client-go does. A CA file rotated on disk is read again
 * when the controller restarts.
 */
export function shareDispatcher(kubeConfig: KubeConfig, context: RequestContext): void {
  const key = tlsIdentity(kubeConfig);
  const fresh = context.getDispatcher();
  if (key === undefined || fresh === undefined) return;
  let pool = shared.get(kubeConfig);
  if (pool === undefined) {
    pool = new Map();
    shared.set(kubeConfig, pool);
  }
  const known = pool.get(key);
  if (known === undefined) {
    pool.set(key, fresh);
    return;
  }
  context.setDispatcher(known);
  // The agent client-node just built has no connection yet; nothing else will use it.
  void fresh.close().catch(() => undefined);
}
