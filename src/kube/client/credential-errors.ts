import { PermanentError, TransientError } from "../../errors.js";

/**
 * The error to show when a kubeconfig file fails to load. @kubernetes/client-node's
 * `KubeConfig.loadFromFile` throws js-yaml's exception, whose message and stack quote the lines
 * around the mistake: in a kubeconfig those lines hold tokens and client keys. This keeps what a
 * user needs (the file, the line, the reason) and drops the quoted text and the original error
 * (no `cause`, so no logger can serialise it).
 */
export function kubeconfigLoadError(path: string, error: unknown): PermanentError {
  if (isYamlError(error)) {
    const line = error.mark?.line === undefined ? "" : ` at line ${error.mark.line + 1}`;
    return new PermanentError(
      `kubeconfig ${path} is not valid YAML${line}: ${error.reason}; fix its syntax (the file's content is not shown because it holds credentials)`,
    );
  }
  const code = typeof error === "object" && error !== null ? Reflect.get(error, "code") : "";
  const reason = typeof code === "string" && code !== "" ? code : "unreadable or malformed";
  return new PermanentError(
    `kubeconfig ${path} cannot be loaded (${reason}); check the path, its permissions and its format`,
  );
}

/** js-yaml's YAMLException, recognised by shape: the client bundles its own js-yaml copy. */
function isYamlError(error: unknown): error is { reason: string; mark?: { line: number } } {
  return (
    error instanceof Error &&
    error.name === "YAMLException" &&
    typeof Reflect.get(error, "reason") === "string"
  );
}

/**
 * The error to show when a kubeconfig's exec credential plugin fails. The client rejects with
 * the plugin's whole stderr as the message, or with JSON.parse's error, which quotes the start
 * of stdout; either can be a token. Only the command and the kind of failure are kept.
 */
export function execPluginError(command: string, error: unknown): TransientError {
  const code = typeof error === "object" && error !== null ? Reflect.get(error, "code") : "";
  const what =
    typeof code === "string" && code !== ""
      ? `could not be started (${code})`
      : error instanceof SyntaxError
        ? "printed something that is not ExecCredential JSON"
        : "exited with an error";
  // Transient: a plugin that cannot reach its identity provider now may well succeed later.
  return new TransientError(
    `kubeconfig exec credential plugin ${command} ${what}; run it by hand to see its output (not shown here because it may hold credentials)`,
  );
}
