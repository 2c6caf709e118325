import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** deploy/Dockerfile of the checkout, found from bench/ (source) or dist/bench/ (built). */
function findDockerfile(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "deploy", "Dockerfile");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`deploy/Dockerfile not found above ${import.meta.dirname}`);
}

/**
 * The V8 flags the container image starts Node.js with: whatever stands between the node binary
 * and main.js in deploy/Dockerfile's exec-form ENTRYPOINT. The memory benchmark measures the
 * controller with exactly these, so its figures are the image's.
 */
export function imageNodeFlags(path = findDockerfile()): string[] {
  const text = readFileSync(path, "utf8");
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(text)?.[1];
  if (line === undefined) throw new Error(`${path}: no exec-form ENTRYPOINT`);
  const argv = JSON.parse(line) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === "string"))
    throw new Error(`${path}: ENTRYPOINT is not a JSON list of strings`);
  const main = argv.findIndex((a) => a.endsWith("/main.js"));
  if (main < 1) throw new Error(`${path}: ENTRYPOINT does not run main.js with node`);
  return argv.slice(1, main);
}

/**
 * The environment the container image sets for its runtime stage: the `ENV` instructions of
 * deploy/Dockerfile's last stage (`KEY=value` pairs, unquoted). The memory benchmark starts
 * the controller and the floor with them, so both run as the image runs them.
 */
export function imageEnv(path = findDockerfile()): Record<string, string> {
  const text = readFileSync(path, "utf8").replace(/\\\n/g, " ");
  const lastStage = text.split(/^FROM\s/m).at(-1) ?? "";
  const env: Record<string, string> = {};
  for (const line of lastStage.matchAll(/^ENV\s+(.+)$/gm)) {
    for (const pair of (line[1] ?? "").trim().split(/\s+/)) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
      if (match?.[1] === undefined || match[2] === undefined || /["'$]/.test(match[2])) {
        throw new Error(`${path}: ENV '${pair}' is not an unquoted KEY=value pair`);
      }
      env[match[1]] = match[2];
    }
  }
  return env;
}
