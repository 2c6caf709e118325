import { readFileSync } from "node:fs";
import { load as parseYaml } from "js-yaml";
import { errorMessage, PermanentError } from "../../errors.js";
import { kubeconfigLoadError } from "./credential-errors.js";

/** What a kubeconfig user sets that client-node does not read itself. */
export interface UserExtras {
  /** client-go's `tokenFile`, re-read periodically (client-node reads only `token-file`, once). */
  readonly tokenFile: string | undefined;
  /** Impersonation fields client-node would silently drop. */
  readonly unsupported: readonly string[];
}

/** Impersonation fields of client-go that client-node's header model cannot express. */
const unsupportedFields = ["as-groups", "as-uid", "as-user-extra"];

/**
 * Reads a kubeconfig file and checks that it is YAML, before client-node parses it. An error
 * names the file and line but never quotes the file: js-yaml's own message shows the lines
 * around the error, which in a kubeconfig may be a token or a private key.
 */
export function readKubeconfigFile(file: string): {
  text: string;
  users: Map<string, UserExtras>;
} {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PermanentError(`cannot read kubeconfig ${file}: ${errorMessage(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw kubeconfigLoadError(file, error);
  }
  return { text, users: userExtras(parsed) };
}

function userExtras(parsed: unknown): Map<string, UserExtras> {
  const extras = new Map<string, UserExtras>();
  const users = (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return extras;
  for (const entry of users as { name?: unknown; user?: Record<string, unknown> }[]) {
    if (typeof entry?.name !== "string" || typeof entry.user !== "object" || !entry.user) continue;
    const user = entry.user;
    extras.set(entry.name, {
      tokenFile: typeof user.tokenFile === "string" ? user.tokenFile : undefined,
      unsupported: unsupportedFields.filter((field) => user[field] !== undefined),
    });
  }
  return extras;
}
