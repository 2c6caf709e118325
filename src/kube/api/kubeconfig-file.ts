import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import { load } from "js-yaml";
import { errorMessage, PermanentError } from "../../errors.js";

/** An exec credential plugin, as `users[].user.exec` declares it. */
export interface ExecConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly apiVersion: string;
  readonly installHint?: string;
  readonly provideClusterInfo: boolean;
}

/** `clusters[].cluster`, file paths made absolute. */
export interface KubeconfigCluster {
  readonly server: string;
  readonly certificateAuthority?: string;
  readonly certificateAuthorityData?: string;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

/** `users[].user`, file paths made absolute. */
export interface KubeconfigUser {
  readonly token?: string;
  readonly tokenFile?: string;
  readonly clientCertificate?: string;
  readonly clientCertificateData?: string;
  readonly clientKey?: string;
  readonly clientKeyData?: string;
  readonly exec?: ExecConfig;
  readonly username?: string;
  readonly password?: string;
  readonly impersonate?: string;
  readonly authProvider?: string;
}

/** The cluster and user of the chosen context. */
export interface KubeconfigSelection {
  readonly context: string;
  readonly cluster: KubeconfigCluster;
  readonly user: KubeconfigUser;
  readonly namespace?: string;
}

type Fields = Readonly<Record<string, unknown>>;

interface Parsed {
  readonly currentContext?: string;
  readonly clusters: Map<string, KubeconfigCluster>;
  readonly users: Map<string, KubeconfigUser>;
  readonly contexts: Map<string, { cluster: string; user?: string; namespace?: string }>;
}

const isFields = (v: unknown): v is Fields => typeof v === "object" && v !== null;

/**
 * Reads one or more kubeconfig files (a KUBECONFIG-style list) and returns the named context, or
 * the current one. As kubectl merges a list: the first file to define a name or to set
 * current-context wins. Relative paths are relative to the file that names them.
 */
export function readKubeconfig(
  paths: readonly string[],
  contextName?: string,
): KubeconfigSelection {
  const files = paths.filter((p) => p !== "");
  if (files.length === 0) throw new PermanentError("no kubeconfig file given");
  const merged = files.map(parseFile).reduce(
    (acc, next): Parsed => ({
      currentContext: acc.currentContext ?? next.currentContext,
      clusters: new Map([...next.clusters, ...acc.clusters]),
      users: new Map([...next.users, ...acc.users]),
      contexts: new Map([...next.contexts, ...acc.contexts]),
    }),
  );
  const where = files.join(", ");
  const name = contextName ?? merged.currentContext;
  if (!name) throw new PermanentError(`kubeconfig ${where} sets no current-context`);
  const context = merged.contexts.get(name);
  if (!context) throw new PermanentError(`kubeconfig ${where} has no context "${name}"`);
  const cluster = merged.clusters.get(context.cluster);
  if (!cluster) {
    throw new PermanentError(`kubeconfig ${where}: context "${name}" names a missing cluster`);
  }
  const user = context.user === undefined ? {} : merged.users.get(context.user);
  if (!user)
    throw new PermanentError(`kubeconfig ${where}: context "${name}" names a missing user`);
  return { context: name, cluster, user, namespace: context.namespace };
}

function parseFile(file: string): Parsed {
  let doc: unknown;
  try {
    doc = load(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PermanentError(`cannot read kubeconfig ${file}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const root = isFields(doc) ? doc : {};
  const reader = new FieldReader(file);
  const named = <T>(key: string, inner: string, parse: (f: Fields) => T) =>
    new Map(
      reader.list(root, key).map((entry, i): [string, T] => {
        const name = reader.string(entry, "name");
        if (!name) throw reader.problem(`${key}[${i}].name is missing`);
        const body = entry[inner];
        return [name, parse(isFields(body) ? body : {})];
      }),
    );
  return {
    currentContext: reader.string(root, "current-context") || undefined,
    clusters: named("clusters", "cluster", (c) => reader.cluster(c)),
    users: named("users", "user", (u) => reader.user(u)),
    contexts: named("contexts", "context", (c) => {
      const cluster = reader.string(c, "cluster");
      if (!cluster) throw reader.problem("a context names no cluster");
      return {
        cluster,
        user: reader.string(c, "user") || undefined,
        namespace: reader.string(c, "namespace"),
      };
    }),
  };
}

/** Typed access to one file's fields, with messages that name the file. */
class FieldReader {
  private readonly file: string;
  private readonly dir: string;

  constructor(file: string) {
    this.file = file;
    this.dir = dirname(file);
  }

  problem(message: string): PermanentError {
    return new PermanentError(`kubeconfig ${this.file}: ${message}`);
  }

  string(fields: Fields, key: string): string | undefined {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw this.problem(`${key} must be a string`);
    return value;
  }

  list(fields: Fields, key: string): Fields[] {
    const value = fields[key] ?? [];
    if (!Array.isArray(value) || !value.every(isFields))
      throw this.problem(`${key} must be a list`);
    return value;
  }

  private path(fields: Fields, key: string): string | undefined {
    const value = this.string(fields, key);
    return value ? resolve(this.dir, value) : undefined;
  }

  cluster(c: Fields): KubeconfigCluster {
    const server = this.string(c, "server");
    if (!server) throw this.problem("a cluster has no server");
    return {
      server,
      certificateAuthority: this.path(c, "certificate-authority"),
      certificateAuthorityData: this.string(c, "certificate-authority-data"),
      insecureSkipTlsVerify: c["insecure-skip-tls-verify"] === true,
      tlsServerName: this.string(c, "tls-server-name"),
      proxyUrl: this.string(c, "proxy-url"),
    };
  }

  user(u: Fields): KubeconfigUser {
    const provider = u["auth-provider"];
    return {
      token: this.string(u, "token"),
      tokenFile: this.path(u, "tokenFile") ?? this.path(u, "token-file"),
      clientCertificate: this.path(u, "client-certificate"),
      clientCertificateData: this.string(u, "client-certificate-data"),
      clientKey: this.path(u, "client-key"),
      clientKeyData: this.string(u, "client-key-data"),
      exec: isFields(u.exec) ? this.exec(u.exec) : undefined,
      username: this.string(u, "username"),
      password: this.string(u, "password"),
      impersonate: this.string(u, "as"),
      authProvider: isFields(provider) ? (this.string(provider, "name") ?? "?") : undefined,
    };
  }

  private exec(e: Fields): ExecConfig {
    const command = this.string(e, "command");
    if (!command) throw this.problem("an exec credential plugin has no command");
    const args = e.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
      throw this.problem("exec.args must be a list of strings");
    }
    const env = this.list(e, "env").map((v) => ({
      name: this.string(v, "name") ?? "",
      value: this.string(v, "value") ?? "",
    }));
    return {
      // A command with a path separator is relative to the kubeconfig, as in kubectl.
      command: command.includes(sep) && !isAbsolute(command) ? resolve(this.dir, command) : command,
      args,
      env,
      apiVersion: this.string(e, "apiVersion") ?? "",
      installHint: this.string(e, "installHint"),
      provideClusterInfo: e.provideClusterInfo === true,
    };
  }
}
