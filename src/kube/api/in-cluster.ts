import { isIPv6 } from "node:net";
import { join } from "node:path";
import { PermanentError } from "../../errors.js";
import type { KubeAccess } from "./access.js";
import { defaultFileRefreshMs, RefreshingFile } from "./refreshing-file.js";

/** Where Kubernetes mounts a Pod's ServiceAccount token, CA bundle and namespace. */
export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Options for tests: another mount directory, the clock, the refresh period. */
export interface InClusterOptions {
  readonly dir?: string;
  readonly refreshMs?: number;
  readonly now?: () => number;
}

/**
 * The Pod's own ServiceAccount: the API server at KUBERNETES_SERVICE_HOST:PORT, trusted by the
 * mounted ca.crt, with the mounted bound token. Token and CA are re-read every minute, because
 * the kubelet rotates the token (and the CA bundle can change) while the Pod runs.
 */
export function inClusterAccess(
  env: NodeJS.ProcessEnv,
  options: InClusterOptions = {},
): KubeAccess {
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) throw new PermanentError("KUBERNETES_SERVICE_HOST is not set: not running in a Pod");
  const port = env.KUBERNETES_SERVICE_PORT || "443";
  const dir = options.dir ?? serviceAccountDir;
  const refreshMs = options.refreshMs ?? defaultFileRefreshMs;
  const token = new RefreshingFile(join(dir, "token"), refreshMs, options.now);
  const ca = new RefreshingFile(join(dir, "ca.crt"), refreshMs, options.now);
  return {
    server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    async authenticate() {
      const [bearer, bundle] = await Promise.all([token.read(), ca.read()]);
      return { ca: bundle, headers: { Authorization: `Bearer ${bearer}` } };
    },
    invalidate() {
      token.invalidate();
    },
  };
}
