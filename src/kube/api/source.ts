import { PermanentError } from "../../errors.js";
import type { KubeAccess, RequestAuth } from "./access.js";
import { KubeClient } from "./client.js";

/**
 * The part of a `@kubernetes/client-node` KubeConfig this module uses, declared structurally so
 * production code never loads that package. Tests, the bench and the demo build such configs for
 * their fixtures and hand them to the controller unchanged.
 */
export interface ClientNodeKubeConfig {
  getCurrentCluster(): { readonly server: string } | null;
  applyToHTTPSOptions(options: object): Promise<void>;
}

/** Anything the controller can reach the API server through. */
export type KubeSource = KubeClient | KubeAccess | ClientNodeKubeConfig;

const isClientNodeKubeConfig = (source: KubeSource): source is ClientNodeKubeConfig =>
  "applyToHTTPSOptions" in source && typeof source.applyToHTTPSOptions === "function";

const clients = new WeakMap<object, KubeClient>();

/**
 * The client for a source; one per source object, so every informer, the elector and the
 * writers of one controller share a connection pool.
 */
export function kubeClientFor(source: KubeSource): KubeClient {
  if (source instanceof KubeClient) return source;
  let client = clients.get(source);
  if (client === undefined) {
    client = new KubeClient(isClientNodeKubeConfig(source) ? clientNodeAccess(source) : source);
    clients.set(source, client);
  }
  return client;
}

/** Options client-node's applyToHTTPSOptions fills in (a subset of https.RequestOptions). */
interface FilledOptions {
  headers?: Record<string, string | number | string[] | undefined>;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
  auth?: string;
}

/** Credentials from a client-node KubeConfig, asked for per request as client-node does. */
export function clientNodeAccess(config: ClientNodeKubeConfig): KubeAccess {
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new PermanentError("the kubeconfig has no current cluster");
  return {
    server: cluster.server.replace(/\/+$/, ""),
    async authenticate(): Promise<RequestAuth> {
      const filled: FilledOptions = { headers: {} };
      await config.applyToHTTPSOptions(filled);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(filled.headers ?? {})) {
        if (value !== undefined) headers[name] = String(value);
      }
      if (filled.auth)
        headers.Authorization = `Basic ${Buffer.from(filled.auth).toString("base64")}`;
      const { ca, cert, key, rejectUnauthorized, servername } = filled;
      return { ca, cert, key, rejectUnauthorized, servername, headers };
    },
  };
}
