import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = here.includes(`${join("dist", "test")}`)
  ? join(here, "..", "..", "..")
  : join(here, "..", "..");

/**
 * Runs one of the harness's cached build scripts (`test/harness/<name>`), its progress on stderr,
 * and returns the `KEY=value` lines it printed for `keys`; a missing key fails loudly.
 */
export async function runBuildScript<K extends string>(
  name: string,
  keys: readonly K[],
): Promise<Record<K, string>> {
  const script = join(repoRoot, "test", "harness", name);
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(script, [], { maxBuffer: 1 << 20 }, (error, out) =>
      error ? reject(new Error(`${script} failed: ${error.message}`)) : resolve(out),
    );
    child.stderr?.pipe(process.stderr);
  });
  const value = (key: string): string => {
    const line = stdout.split("\n").find((l) => l.startsWith(`${key}=`));
    if (line === undefined) throw new Error(`${script} did not print ${key}=...`);
    return line.slice(key.length + 1).trim();
  };
  return Object.fromEntries(keys.map((k) => [k, value(k)])) as Record<K, string>;
}
