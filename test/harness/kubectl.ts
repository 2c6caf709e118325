import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs the harness's kubectl (built with the control plane) against `kubeconfigPath`, as an
 * operator would; resolves with its stdout, rejects with its stderr in the message.
 */
export async function kubectl(
  bin: string,
  kubeconfigPath: string,
  args: readonly string[],
): Promise<string> {
  try {
    const { stdout } = await run(bin, [`--kubeconfig=${kubeconfigPath}`, ...args], {
      timeout: 120_000,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`kubectl ${args.join(" ")} failed: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}
