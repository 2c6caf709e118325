import { describe, expect, it } from "vitest";
import { startProcess, waitUntil } from "../harness/processes.js";

describe("harness process helpers", () => {
  it("names the process and its log when it exits before becoming ready", async () => {
    const proc = startProcess("false-server", "sh", ["-c", "exit 3"], "/dev/null");
    await expect(waitUntil("readiness", async () => false, 5_000, proc)).rejects.toThrow(
      /false-server exited with code 3 before readiness; see \/dev\/null/,
    );
  });

  it("stops a process that ignores SIGTERM by killing its group", async () => {
    const proc = startProcess("stubborn", "sh", ["-c", "trap '' TERM; sleep 30"], "/dev/null");
    await new Promise((r) => setTimeout(r, 100));
    await proc.stop(200);
    expect(proc.child.signalCode).toBe("SIGKILL");
  });
});
