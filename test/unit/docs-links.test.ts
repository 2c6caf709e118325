import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { marked, type Token } from "marked";
import { describe, expect, it } from "vitest";

/**
 * The documentation a user gets with a clone must be complete in itself: every relative link in
 * the project's Markdown resolves to a file in the repository, and nothing points at the design
 * documents outside it that the project once referred to.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const skipped = new Set(["node_modules", ".git", ".venv", ".tmp", "dist"]);

/** Every file under `dir` (repository-relative), minus dependencies and build output. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

const markdownFiles = filesUnder(".").filter((f) => f.endsWith(".md"));

/** Link and image targets of one Markdown file, as a Markdown parser sees them (code excluded). */
function linkTargets(file: string): string[] {
  const targets: string[] = [];
  marked.walkTokens(marked.lexer(readFileSync(join(root, file), "utf8")), (token: Token) => {
    if (token.type === "link" || token.type === "image") targets.push(token.href);
  });
  return targets;
}

/** Where a relative link leads, repository-relative; undefined for URLs and in-page anchors. */
function localPath(file: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("#")) return undefined;
  const path = decodeURIComponent(href.split("#")[0] ?? "");
  return relative(root, resolve(root, dirname(file), path));
}

describe("the project's documentation", () => {
  it("finds the README and the docs to check", () => {
    expect(markdownFiles).toContain("README.md");
    expect(markdownFiles).toContain(join("docs", "design.md"));
    expect(markdownFiles.filter((f) => f.startsWith(`docs${sep}adr${sep}`)).length).toBeGreaterThan(
      5,
    );
  });

  it.each(markdownFiles)("links only to files inside the repository from %s", (file) => {
    const broken = linkTargets(file).filter((href) => {
      const path = localPath(file, href);
      if (path === undefined) return false;
      return path.startsWith("..") || !existsSync(join(root, path));
    });
    expect(broken, `${file}: links that lead nowhere in the repository`).toEqual([]);
  });

  it("points at the design of record inside the repository, never at ../shared", () => {
    const self = relative(root, fileURLToPath(import.meta.url));
    const texts = filesUnder(".").filter(
      (f) =>
        f !== self && /\.(md|ts|yaml|yml|sh|json)$/.test(f) && !f.startsWith(`bench${sep}results`),
    );
    const outside = texts.filter((f) => {
      const text = readFileSync(join(root, f), "utf8");
      return /\.\.\/shared\/|\bDESIGN\.md\b|\bSTYLE\.md\b/.test(text);
    });
    expect(outside, "files referring to design documents outside the repository").toEqual([]);
  });
});
