import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "..", "dist", "src", "main.js");

/** Runs the CLI as a process; resolves with its exit code and output whatever the code. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [main, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("exit codes of the CLI (one meaning each)", () => {
  it("exits 64 for a configuration error, with the heading once, and not 2 (drift)", async () => {
    const result = await cli(["plan", "--provider=aws", "--cluster-id=Bad_Id"]);
    expect(result.code).toBe(64);
    expect(result.stderr.match(/invalid configuration/g)).toHaveLength(1);
    expect(result.stderr).toContain("--allowed-cidrs");
  });

  it("exits 64 for an unknown flag", async () => {
    const result = await cli(["controller", "--no-such-flag"]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
  });

  it("exits 0 for --help and names every plan exit code in it", async () => {
    const result = await cli(["plan", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout.replace(/\s+/g, " ")).toContain(
      "exit 0 in sync, 2 drift, 3 needs attention, 1 error, 64 bad configuration or usage",
    );
  });
});
