import { readFileSync } from "node:fs";

/** The package version, read from package.json so there is one source of truth. */
export function packageVersion(): string {
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "vpc-route-sync" && pkg.version) return pkg.version;
    } catch {
      // try the next location (source tree vs dist/)
    }
  }
  return "unknown";
}

/** Prints the version and the runtime it runs on. */
export function runVersion(out: NodeJS.WritableStream = process.stdout): number {
  out.write(`vpc-route-sync ${packageVersion()} (node ${process.version})\n`);
  return 0;
}
