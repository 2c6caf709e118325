import { describe, expect, it } from "vitest";
import { CommandError, execFileRunner, isCommandError } from "./command-runner.js";

describe("execFileRunner", () => {
  it("passes arguments as an array and feeds stdin", async () => {
    const run = execFileRunner();
    expect((await run("cat", [], { input: "*nat\nCOMMIT\n" })).stdout).toBe("*nat\nCOMMIT\n");
    expect((await run("printf", ["%s|", "a b", "$(id)"])).stdout).toBe("a b|$(id)|");
  });

  it("prepends the prefix, as the netns tests do with ip netns exec", async () => {
    const run = execFileRunner(["env", "VRS_PREFIXED=yes"]);
    expect((await run("sh", ["-c", "echo $VRS_PREFIXED"])).stdout).toBe("yes\n");
  });

  it("turns a non-zero exit into a CommandError with the exit code and stderr", async () => {
    const error = await execFileRunner()("sh", ["-c", "echo 'No chain' >&2; exit 1"]).catch(
      (e: unknown) => e,
    );
    expect(isCommandError(error)).toBe(true);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(1);
    expect((error as CommandError).message).toBe(
      "sh -c echo 'No chain' >&2; exit 1 failed with exit code 1: No chain",
    );
  });

  it("reports a missing program without an exit code", async () => {
    const error = await execFileRunner()("vrs-no-such-program", []).catch((e: unknown) => e);
    expect((error as CommandError).exitCode).toBeUndefined();
  });
});
