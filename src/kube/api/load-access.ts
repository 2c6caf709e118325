import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { errorMessage, PermanentError } from "../../errors.js";
import type { KubeAccess, RequestAuth } from "./access.js";
import { ExecCredentialSource } from "./exec-credential.js";
import { inClusterAccess } from "./in-cluster.js";
import { type KubeconfigSelection, readKubeconfig } from "./kubeconfig-file.js";
import { RefreshingFile } from "./refreshing-file.js";

/** Where to look and the clock, for tests; production passes at most a context. */
export interface LoadAccessOptions {
  /** A context other than current-context. */
  readonly context?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /** Where the ServiceAccount is mounted in a Pod. */
  readonly serviceAccountDir?: string;
  /** Token file (and in-cluster CA) re-read period. */
  readonly refreshMs?: number;
  readonly now?: () => number;
  /** How long an exec credential plugin may run. */
  readonly execTimeoutMs?: number;
}

/**
 * Finds the API server and credentials, in the order the docs give: an explicit kubeconfig
 * (`--kubeconfig`, or KUBECONFIG through the config loader; a `:`-separated list is merged as
 * kubectl does), the in-cluster ServiceAccount when running in a Pod, else KUBECONFIG and
 * ~/.kube/config.
 */
export function loadKubeAccess(
  path: string | undefined,
  options: LoadAccessOptions = {},
): KubeAccess {
  const env = options.env ?? process.env;
  const fromFiles = (list: string) =>
    kubeconfigAccess(readKubeconfig(list.split(delimiter), options.context), options);
  if (path !== undefined) return fromFiles(path);
  if (env.KUBERNETES_SERVICE_HOST) {
    const { refreshMs, now } = options;
    return inClusterAccess(env, { dir: options.serviceAccountDir, refreshMs, now });
  }
  if (env.KUBECONFIG) return fromFiles(env.KUBECONFIG);
  const home = join(options.home ?? homedir(), ".kube", "config");
  if (existsSync(home)) return fromFiles(home);
  throw new PermanentError(
    "no Kubernetes cluster configured; pass --kubeconfig or run inside a Pod",
  );
}

/** Credentials of a kubeconfig context: certificates, token, token file or exec plugin. */
export function kubeconfigAccess(
  selection: KubeconfigSelection,
  options: LoadAccessOptions = {},
): KubeAccess {
  const { cluster, user, context } = selection;
  const where = `kubeconfig context "${context}"`;
  const server = checkedServer(cluster.server, cluster.insecureSkipTlsVerify, where);
  if (cluster.proxyUrl) {
    throw new PermanentError(`${where}: proxy-url is not supported; reach the API server directly`);
  }
  if (user.authProvider) {
    throw new PermanentError(
      `${where}: auth-provider "${user.authProvider}" is not supported; use an exec credential plugin (users[].user.exec)`,
    );
  }
  const bytes = (file: string | undefined, data: string | undefined, what: string) => {
    try {
      return file ? readFileSync(file) : data ? Buffer.from(data, "base64") : undefined;
    } catch (error) {
      throw new PermanentError(`${where}: cannot read ${what} ${file}: ${errorMessage(error)}`);
    }
  };
  const ca = bytes(cluster.certificateAuthority, cluster.certificateAuthorityData, "CA");
  const cert = bytes(user.clientCertificate, user.clientCertificateData, "client certificate");
  const key = bytes(user.clientKey, user.clientKeyData, "client key");
  if ((cert === undefined) !== (key === undefined)) {
    throw new PermanentError(
      `${where}: a client certificate needs its key, and a key its certificate`,
    );
  }
  const tokenFile = user.tokenFile
    ? new RefreshingFile(user.tokenFile, options.refreshMs, options.now)
    : undefined;
  const exec = user.exec
    ? new ExecCredentialSource(user.exec, cluster, {
        now: options.now,
        timeoutMs: options.execTimeoutMs,
      })
    : undefined;
  const fixed: Record<string, string> = {};
  if (user.impersonate) fixed["Impersonate-User"] = user.impersonate;
  if (user.username !== undefined && user.password !== undefined) {
    const basic = Buffer.from(`${user.username}:${user.password}`).toString("base64");
    fixed.Authorization = `Basic ${basic}`;
  }
  const tls = {
    ca,
    rejectUnauthorized: !cluster.insecureSkipTlsVerify,
    servername: cluster.tlsServerName,
  };
  return {
    server,
    async authenticate(): Promise<RequestAuth> {
      const headers = { ...fixed };
      let credential: { cert?: string | Buffer; key?: string | Buffer } = { cert, key };
      // Like client-go: a token file beats a literal token; either beats an exec plugin.
      let token = tokenFile ? await tokenFile.read() : user.token;
      if (!token && exec) {
        const result = await exec.get();
        token = result.token;
        if (result.clientCertificateData && result.clientKeyData) {
          credential = { cert: result.clientCertificateData, key: result.clientKeyData };
        }
      }
      if (token) headers.Authorization = `Bearer ${token}`;
      return { ...tls, cert: credential.cert, key: credential.key, headers };
    },
    invalidate() {
      tokenFile?.invalidate();
      exec?.invalidate();
    },
  };
}

function checkedServer(server: string, insecure: boolean, where: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new PermanentError(`${where}: server "${server}" is not a URL`);
  }
  if (url.protocol === "http:" && !insecure) {
    throw new PermanentError(
      `${where}: server ${server} is plain HTTP; use https, or set insecure-skip-tls-verify: true for a local test server`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PermanentError(`${where}: server ${server} is neither https nor http`);
  }
  return server.replace(/\/+$/, "");
}
