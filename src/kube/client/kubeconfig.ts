import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { type Cluster, KubeConfig, type User } from "@kubernetes/client-node";
import { getProxyForUrl } from "proxy-from-env";
import { errorMessage, PermanentError } from "../../errors.js";
import { readKubeconfigFile } from "./kubeconfig-extras.js";

/** Where to look, for tests; production passes at most a context. */
export interface LoadKubeConfigOptions {
  /** A context other than current-context. */
  readonly context?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

/**
 * Loads the API server and credentials with @kubernetes/client-node, in the order the docs give:
 * an explicit kubeconfig (`--kubeconfig`; a `:`-separated list is merged as kubectl does, the
 * first file's choices winning), the in-cluster ServiceAccount when running in a Pod, else
 * KUBECONFIG and ~/.kube/config. Everything client-node supports works (certificates, tokens,
 * exec and auth-provider plugins, `proxy-url`, `as`); on top of it, what client-go does and
 * client-node does not: HTTPS_PROXY/NO_PROXY, the `tokenFile` key (re-read every minute),
 * and refusing `insecure-skip-tls-verify` together with a CA.
 */
export function loadKubeConfig(
  path: string | undefined,
  options: LoadKubeConfigOptions = {},
): KubeConfig {
  const env = options.env ?? process.env;
  const kubeConfig = new KubeConfig();
  const home = join(options.home ?? homedir(), ".kube", "config");
  const files =
    path ?? (env.KUBERNETES_SERVICE_HOST ? undefined : env.KUBECONFIG || existingFile(home));
  if (files === undefined && env.KUBERNETES_SERVICE_HOST) {
    kubeConfig.loadFromCluster();
  } else if (files === undefined) {
    throw new PermanentError(
      "no Kubernetes cluster configured; pass --kubeconfig, set KUBECONFIG, or run inside a Pod",
    );
  } else {
    const [first, ...rest] = files.split(delimiter).filter(Boolean);
    if (first === undefined) throw new PermanentError("--kubeconfig names no file");
    loadFile(kubeConfig, first);
    for (const file of rest) {
      const next = new KubeConfig();
      loadFile(next, file);
      mergeFirstWins(kubeConfig, next);
    }
  }
  if (options.context !== undefined) selectContext(kubeConfig, options.context);
  return finish(kubeConfig);
}

const existingFile = (file: string): string | undefined => (existsSync(file) ? file : undefined);

/**
 * Loads one file. A YAML error is reported by position only: js-yaml's own message quotes the
 * lines around the error, which in a kubeconfig may hold a token or a key.
 */
function loadFile(kubeConfig: KubeConfig, file: string): void {
  const { text, users } = readKubeconfigFile(file);
  try {
    kubeConfig.loadFromString(text);
    kubeConfig.makePathsAbsolute(join(file, ".."));
  } catch (error) {
    throw new PermanentError(`kubeconfig ${file} is not valid: ${errorMessage(error)}`);
  }
  for (const [name, extras] of users) {
    const user = kubeConfig.getUser(name);
    if (user === null) continue;
    if (extras.unsupported.length > 0) {
      throw new PermanentError(
        `kubeconfig ${file}, user "${name}": ${extras.unsupported.join(", ")} is not supported by @kubernetes/client-node (only "as" is); impersonate with a single user, or give this identity the rights directly`,
      );
    }
    if (extras.tokenFile !== undefined && !user.token && !user.exec && !user.authProvider) {
      replaceUser(kubeConfig, {
        ...user,
        authProvider: { name: "tokenFile", config: { tokenFile: extras.tokenFile } },
      });
    }
  }
}

/** Merges `next` into `kubeConfig`; an entry whose name is already there is dropped (kubectl). */
function mergeFirstWins(kubeConfig: KubeConfig, next: KubeConfig): void {
  const known = <T extends { name: string }>(mine: T[], theirs: T[]) =>
    theirs.filter((entry) => !mine.some((m) => m.name === entry.name));
  next.loadFromOptions({
    clusters: known(kubeConfig.getClusters(), next.getClusters()),
    users: known(kubeConfig.getUsers(), next.getUsers()),
    contexts: known(kubeConfig.getContexts(), next.getContexts()),
    currentContext: next.getCurrentContext(),
  });
  kubeConfig.mergeConfig(next, true);
}

function selectContext(kubeConfig: KubeConfig, context: string): void {
  if (kubeConfig.getContextObject(context) === null) {
    const known = kubeConfig.getContexts().map((c) => c.name);
    throw new PermanentError(
      `kubeconfig context "${context}" does not exist; known contexts: ${known.join(", ") || "none"}`,
    );
  }
  kubeConfig.setCurrentContext(context);
}

/** Checks the selected cluster as client-go would and applies the proxy environment. */
function finish(kubeConfig: KubeConfig): KubeConfig {
  const cluster = kubeConfig.getCurrentCluster();
  const where = `kubeconfig context "${kubeConfig.getCurrentContext()}"`;
  if (cluster === null) throw new PermanentError(`${where} names no cluster`);
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new PermanentError(`${where}: server "${cluster.server}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PermanentError(`${where}: server ${cluster.server} is neither https nor http`);
  }
  if (url.protocol === "http:" && !cluster.skipTLSVerify) {
    throw new PermanentError(
      `${where}: server ${cluster.server} is plain HTTP; use https, or set insecure-skip-tls-verify: true for a local test server`,
    );
  }
  if (cluster.skipTLSVerify && (cluster.caData || cluster.caFile)) {
    throw new PermanentError(
      `${where}: insecure-skip-tls-verify and a certificate authority are both set; remove insecure-skip-tls-verify (client-go refuses this combination too)`,
    );
  }
  const proxy = cluster.proxyUrl ? undefined : proxyFromEnvironment(cluster.server);
  if (proxy) replaceCluster(kubeConfig, { ...cluster, proxyUrl: proxy });
  return kubeConfig;
}

/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY of the process, as client-go's http.ProxyFromEnvironment
 * reads them (proxy-from-env implements the same rules, lower-case names included).
 */
function proxyFromEnvironment(server: string): string | undefined {
  return getProxyForUrl(server) || undefined;
}

function replaceCluster(kubeConfig: KubeConfig, cluster: Cluster): void {
  reload(kubeConfig, {
    clusters: kubeConfig.getClusters().map((c) => (c.name === cluster.name ? cluster : c)),
  });
}

function replaceUser(kubeConfig: KubeConfig, user: User): void {
  reload(kubeConfig, {
    users: kubeConfig.getUsers().map((u) => (u.name === user.name ? user : u)),
  });
}

function reload(kubeConfig: KubeConfig, change: { clusters?: Cluster[]; users?: User[] }): void {
  kubeConfig.loadFromOptions({
    clusters: change.clusters ?? kubeConfig.getClusters(),
    users: change.users ?? kubeConfig.getUsers(),
    contexts: kubeConfig.getContexts(),
    currentContext: kubeConfig.getCurrentContext(),
  });
}
