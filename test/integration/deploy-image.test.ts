import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { imageNodeFlags } from "../../bench/image-node-flags.js";

const root = join(import.meta.dirname, "..", "..");

const dockerfile = readFileSync(join(root, "deploy", "Dockerfile"), "utf8");

/** One Dockerfile instruction, continuation lines joined, comments dropped. */
interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

function instructions(text: string): Instruction[] {
  const logical = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  return logical.map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
  });
}

/** Instructions grouped by build stage, keyed by the stage's name. */
function stages(all: readonly Instruction[]): Map<string, Instruction[]> {
  const result = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const instruction of all) {
    if (instruction.keyword === "FROM") {
      const name = /\bAS\s+(\S+)$/i.exec(instruction.args)?.[1] ?? `stage${result.size}`;
      current = [];
      result.set(name, current);
    }
    current?.push(instruction);
  }
  return result;
}

const isExecForm = (args: string) => {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === "string");
  } catch {
    return false;
  }
};

/**
 * Every module the image's entry point can load: relative imports of src/main.ts, followed
 * through the tree (type-only imports are erased and skipped), plus the packages they name.
 */
function importClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  const specifiers = /^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const [, specifier = ""] of readFileSync(file, "utf8").matchAll(specifiers)) {
      if (specifier.startsWith(".")) {
        pending.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      } else if (!specifier.startsWith("node:") && !builtinModules.includes(specifier)) {
        const parts = specifier.split("/");
        packages.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? ""));
      }
    }
  }
  return { files, packages };
}

describe("container image (deploy/Dockerfile)", () => {
  const all = instructions(dockerfile);
  const byStage = stages(all);
  const runtime = [...byStage.values()].at(-1) ?? [];

  it("builds every stage from Node.js 24", () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(base).toMatch(/^node:24(\.\d+)*-/);
    const froms = all.filter((i) => i.keyword === "FROM").map((i) => i.args.split(/\s+/)[0]);
    const nodeImage = `\${NODE_IMAGE}`;
    expect(froms).toEqual([nodeImage, nodeImage, nodeImage]);
    expect([...byStage.keys()]).toEqual(["build", "deps", "runtime"]);
  });

  it("installs production dependencies only into what the runtime stage copies", () => {
    const deps = byStage.get("deps") ?? [];
    expect(deps.some((i) => i.keyword === "RUN" && /\bnpm ci\b.*--omit=dev/.test(i.args))).toBe(
      true,
    );
    const copies = runtime.filter((i) => i.keyword === "COPY").map((i) => i.args);
    expect(copies).toContain("--from=deps /app/node_modules ./node_modules");
    expect(copies.filter((c) => c.includes("node_modules"))).toHaveLength(1);
    expect(copies.every((c) => c.startsWith("--from="))).toBe(true);
  });

  it("runs as a numeric non-root user with an exec-form entry point and no shell left", () => {
    const user = runtime.filter((i) => i.keyword === "USER").at(-1)?.args;
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const entrypoint = runtime.find((i) => i.keyword === "ENTRYPOINT")?.args ?? "";
    expect(isExecForm(entrypoint)).toBe(true);
    expect(JSON.parse(entrypoint)).toEqual([
      "/usr/local/bin/node",
      ...imageNodeFlags(),
      "/app/dist/src/main.js",
    ]);
    expect(imageNodeFlags()).toContain("--max-semi-space-size=1");
    expect(isExecForm(runtime.find((i) => i.keyword === "CMD")?.args ?? "")).toBe(true);
    const removal = runtime.findIndex((i) => i.keyword === "RUN" && i.args.includes("/bin/sh"));
    expect(removal).toBeGreaterThan(0);
    const after = runtime.slice(removal);
    expect(after.filter((i) => i.keyword === "RUN").every((i) => isExecForm(i.args))).toBe(true);
    expect(runtime.some((i) => i.args.includes("docker-entrypoint.sh"))).toBe(true);
  });

  it("uses the same user id as the chart's Restricted securityContext", () => {
    const values = readFileSync(
      join(root, "deploy", "helm", "vpc-route-sync", "templates", "deployment.yaml"),
      "utf8",
    );
    const uid = runtime
      .filter((i) => i.keyword === "USER")
      .at(-1)
      ?.args.split(":")[0];
    expect(values).toContain(`runAsUser: ${uid}`);
  });

  it("ships the kernel tools the agent runs without a shell (ip, iptables-restore)", () => {
    const install = runtime.find((i) => i.keyword === "RUN" && i.args.includes("apt-get install"));
    expect(install?.args).toMatch(/\biproute2\b/);
    expect(install?.args).toMatch(/\biptables\b/);
  });

  it("needs only package.json dependencies at runtime, from the directories the build copies", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const { files, packages } = importClosure(join(root, "src", "main.ts"));
    const notProduction = [...packages].filter((p) => !(p in pkg.dependencies));
    expect(notProduction, "imported at runtime but not a production dependency").toEqual([]);
    const copied = all
      .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"))
      .map((i) => i.args.split(/\s+/)[0] ?? "");
    for (const file of files) {
      const path = relative(root, file);
      expect(existsSync(file), path).toBe(true);
      expect(
        copied.some((dir) => path.startsWith(`${dir}/`)),
        `${path} is copied into the build`,
      ).toBe(true);
    }
  });

  it("sends the build only the files the Dockerfile copies (.dockerignore)", () => {
    const ignore = readFileSync(join(root, ".dockerignore"), "utf8");
    expect(ignore.split("\n")).toContain("**");
    const copied = all
      .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const path of copied) {
      const pattern =
        existsSync(join(root, path)) && !path.includes(".") ? `!${path}/**` : `!${path}`;
      expect(ignore, `.dockerignore lets ${path} through`).toContain(pattern);
    }
  });
});
