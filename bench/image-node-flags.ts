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
