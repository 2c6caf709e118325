import { execFile } from "node:child_process";
import { VrsError } from "../errors.js";

/** What a command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one program with an argument array (never a shell string), optionally feeding `input` on
 * stdin. A port, so tests run the same Linux layer inside `ip netns exec <ns>` or against an
 * in-memory kernel, and production runs it on the host.
 */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  options?: { readonly input?: string },
) => Promise<CommandOutput>;

/**
 * A command that exited non-zero or could not start. Retryable: the next resync tries again,
 * and the message carries the command line and its stderr so the log says what the kernel said.
 */
export class CommandError extends VrsError {
  readonly command: readonly string[];
  /** Exit status; undefined when the program could not be started or was killed. */
  readonly exitCode: number | undefined;
  readonly stderr: string;

  constructor(
    command: readonly string[],
    exitCode: number | undefined,
    stderr: string,
    options?: { cause?: unknown },
  ) {
    const said = stderr.trim().split("\n").slice(0, 3).join(" | ");
    super(
      "TRANSIENT",
      `${command.join(" ")} failed${exitCode === undefined ? "" : ` with exit code ${exitCode}`}${said ? `: ${said}` : ""}`,
      true,
      options,
    );
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** True for a failed command (as opposed to a bug in the caller). */
export const isCommandError = (e: unknown): e is CommandError => e instanceof CommandError;

/**
 * The real runner. `prefix` is prepended to every command line (the netns tests pass
 * `["ip", "netns", "exec", ns]`); a timeout bounds a command stuck on the xtables lock.
 */
export function execFileRunner(
  prefix: readonly string[] = [],
  options: { timeoutMs?: number } = {},
): CommandRunner {
  return (file, args, runOptions) => {
    const argv = [...prefix, file, ...args];
    const [program = file, ...rest] = argv;
    return new Promise((resolve, reject) => {
      const child = execFile(
        program,
        rest,
        { timeout: options.timeoutMs ?? 15_000, maxBuffer: 64 << 20, encoding: "utf8" },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve({ stdout, stderr });
            return;
          }
          const code = typeof error.code === "number" ? error.code : undefined;
          reject(new CommandError(argv, code, stderr || error.message, { cause: error }));
        },
      );
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(runOptions?.input ?? "");
    });
  };
}
