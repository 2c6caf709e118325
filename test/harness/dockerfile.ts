/**
 * A small reader of deploy/Dockerfile for the image tests: instructions with continuation lines
 * joined and comments dropped, grouped by stage. Enough for the file this project writes (no
 * heredocs, no parser directives beyond `# syntax`), which the tests check line by line anyway.
 */
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";

/** The repository root, from test/harness/ (source) or dist/test/harness/ (built). */
export const repoRoot = join(import.meta.dirname, "..", "..").replace(/\/dist$/, "");

/** One Dockerfile instruction. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Every instruction of `text`, in order. */
export function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

/** Instructions grouped by build stage, keyed by the stage's name, in order. */
export function stages(all: readonly Instruction[]): Map<string, Instruction[]> {
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

/** The exec-form argument list of `instruction`, or undefined when it is in shell form. */
export function execForm(instruction: Instruction | undefined): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(instruction?.args ?? "");
    return Array.isArray(parsed) && parsed.every((a) => typeof a === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const workdir = (stage: readonly Instruction[]) =>
  stage.filter((i) => i.keyword === "WORKDIR").at(-1)?.args ?? "/";

/**
 * The file in this checkout that the image's ENTRYPOINT runs: the script after the node flags,
 * followed back through the runtime stage's `COPY --from=<stage>` to the path the build stage
 * produced it at, relative to the build stage's WORKDIR (the repository root).
 */
export function entrypointSource(dockerfile = join(repoRoot, "deploy", "Dockerfile")): string {
  const byStage = stages(instructions(readFileSync(dockerfile, "utf8")));
  const runtime = [...byStage.values()].at(-1) ?? [];
  const argv = execForm(runtime.find((i) => i.keyword === "ENTRYPOINT"));
  const script = argv?.find((a) => a.endsWith(".js"));
  if (script === undefined) throw new Error(`${dockerfile}: ENTRYPOINT runs no .js file`);
  for (const copy of runtime.filter((i) => i.keyword === "COPY")) {
    const [from, source = "", dest = ""] = copy.args.split(/\s+/);
    const stage = byStage.get(from?.replace(/^--from=/, "") ?? "");
    const target = posix.resolve(workdir(runtime), dest);
    if (stage === undefined || !script.startsWith(`${target}/`)) continue;
    const built = posix.join(posix.resolve(workdir(stage), source), script.slice(target.length));
    return join(repoRoot, posix.relative(workdir(stage), built));
  }
  throw new Error(`${dockerfile}: no COPY --from=<stage> puts ${script} into the image`);
}
