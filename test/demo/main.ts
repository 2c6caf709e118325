import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { runDemo } from "./run-demo.js";

/** Set in the demo's worker process (see below). */
const workerFlag = "VPC_ROUTE_SYNC_DEMO_WORKER";

/** `--moves` is a whole number of drains, 0 or more; anything else is refused before starting. */
function moveCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`"${value}" is not a number of drains; pass e.g. --moves 6`);
  return n;
}

// `npm run demo`: its own entry point, outside src/, so the test harness it drives (LocalStack,
// the control plane, seeding) is never reachable from the shipped CLI or its bundle.
//
// The demo runs in a worker in its own process group. A terminal's Ctrl-C signals the whole
// foreground group, which would kill the harness's helper scripts (localstack/start.sh, the
// build) mid-start and leave what they started running. Here only this process gets it and
// passes it on to the worker, which lets starts finish and then stops everything.
if (process.env[workerFlag] === undefined) {
  const worker = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: "inherit", detached: true, env: { ...process.env, [workerFlag]: "1" } },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => worker.kill(signal));
  worker.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === "SIGTERM" ? 143 : 130);
  });
} else {
  await new Command("npm run demo --")
    .description(
      "the local demo: LocalStack EC2 + a real control plane with kwok nodes, the controller, and drains of the VPN server's node",
    )
    .option("--moves <n>", "how many times to drain the node hosting the VPN Pod", moveCount, 6)
    .option("--verbose", "show the controller's logs")
    .action(async (options: { moves: number; verbose?: boolean }) => {
      process.exitCode = await runDemo({ moves: options.moves, verbose: options.verbose === true });
    })
    .parseAsync(process.argv);
}
