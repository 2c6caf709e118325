import { type ExecFileException, execFile } from "node:child_process";
import { PermanentError, TransientError } from "../../errors.js";
import type { ExecConfig, KubeconfigCluster } from "./kubeconfig-file.js";

/** What an exec credential plugin returned: a bearer token and/or a client certificate. */
export interface ExecCredential {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  /** From `status.expirationTimestamp`; none means valid until the server rejects it. */
  readonly expiresAt?: number;
}

const supportedVersions = [
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
];

/** A credential is renewed this long before it expires, so no request carries a dying token. */
const expirySkewMs = 10_000;
const maxOutputBytes = 1024 * 1024;

/** Options for tests: the clock and how long a plugin may run. */
export interface ExecOptions {
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

/**
 * Runs a kubeconfig `exec` plugin (client.authentication.k8s.io v1 or v1beta1, never interactive)
 * and caches its ExecCredential until `expirationTimestamp`. Concurrent requests share one run.
 * Errors name the command and its stderr, never its output, which holds the secret.
 */
export class ExecCredentialSource {
  private cached: ExecCredential | undefined;
  private running: Promise<ExecCredential> | undefined;
  private readonly config: ExecConfig;
  private readonly cluster: KubeconfigCluster;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(config: ExecConfig, cluster: KubeconfigCluster, options: ExecOptions = {}) {
    if (!supportedVersions.includes(config.apiVersion)) {
      throw new PermanentError(
        `exec credential plugin ${config.command}: apiVersion "${config.apiVersion}" is not supported; use ${supportedVersions.join(" or ")}`,
      );
    }
    this.config = config;
    this.cluster = cluster;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async get(): Promise<ExecCredential> {
    const cached = this.cached;
    if (
      cached &&
      (cached.expiresAt === undefined || this.now() < cached.expiresAt - expirySkewMs)
    ) {
      return cached;
    }
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    this.cached = await this.running;
    return this.cached;
  }

  /** Drops the cached credential, e.g. after the API server answered 401. */
  invalidate(): void {
    this.cached = undefined;
  }

  private run(): Promise<ExecCredential> {
    const { command, args, env, apiVersion } = this.config;
    const info = {
      apiVersion,
      kind: "ExecCredential",
      spec: { interactive: false, ...this.spec() },
    };
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      KUBERNETES_EXEC_INFO: JSON.stringify(info),
    };
    for (const { name, value } of env) childEnv[name] = value;
    return new Promise((resolve, reject) => {
      const child = execFile(
        command,
        [...args],
        { env: childEnv, timeout: this.timeoutMs, maxBuffer: maxOutputBytes, encoding: "utf8" },
        (error, stdout, stderr) => {
          if (error) {
            reject(this.failure(error, stderr));
            return;
          }
          try {
            resolve(this.parse(stdout));
          } catch (problem) {
            reject(problem);
          }
        },
      );
      child.stdin?.end();
    });
  }

  private spec(): { cluster?: Record<string, unknown> } {
    if (!this.config.provideClusterInfo) return {};
    const c = this.cluster;
    return {
      cluster: {
        server: c.server,
        "certificate-authority-data": c.certificateAuthorityData,
        "insecure-skip-tls-verify": c.insecureSkipTlsVerify,
        "tls-server-name": c.tlsServerName,
      },
    };
  }

  private failure(error: ExecFileException, stderr: string): Error {
    const name = `exec credential plugin ${this.config.command}`;
    if (error.code === "ENOENT") {
      const hint = this.config.installHint ? `; ${this.config.installHint.trim()}` : "";
      return new PermanentError(`${name} was not found${hint}`, { cause: error });
    }
    if (error.killed) {
      return new TransientError(`${name} did not finish within ${this.timeoutMs} ms`);
    }
    const detail = stderr.trim().slice(0, 500) || `exit code ${String(error.code)}`;
    return new TransientError(`${name} failed: ${detail}`);
  }

  private parse(stdout: string): ExecCredential {
    const name = `exec credential plugin ${this.config.command}`;
    let doc: unknown;
    try {
      doc = JSON.parse(stdout);
    } catch {
      throw new PermanentError(`${name} printed no JSON ExecCredential`);
    }
    const cred = doc as {
      kind?: unknown;
      apiVersion?: unknown;
      status?: Record<string, unknown>;
    };
    if (cred.kind !== "ExecCredential" || cred.apiVersion !== this.config.apiVersion) {
      throw new PermanentError(
        `${name} printed ${String(cred.kind)} ${String(cred.apiVersion)}; expected ExecCredential ${this.config.apiVersion}`,
      );
    }
    const status = cred.status ?? {};
    const text = (key: string) => (typeof status[key] === "string" ? status[key] : undefined);
    const token = text("token");
    const clientCertificateData = text("clientCertificateData");
    const clientKeyData = text("clientKeyData");
    if (!token && !(clientCertificateData && clientKeyData)) {
      throw new PermanentError(`${name} returned neither a token nor a client certificate and key`);
    }
    const expiry = text("expirationTimestamp");
    const expiresAt = expiry === undefined ? undefined : Date.parse(expiry);
    if (expiresAt !== undefined && Number.isNaN(expiresAt)) {
      throw new PermanentError(`${name} returned an invalid expirationTimestamp "${expiry}"`);
    }
    return { token, clientCertificateData, clientKeyData, expiresAt };
  }
}
