import { Command } from "commander";
import { runDemo } from "./run-demo.js";

// `npm run demo`: its own entry point, outside src/, so the test harness it drives (LocalStack,
// kube-apiserver, seeding) is never reachable from the shipped CLI or its bundle.
await new Command("npm run demo --")
  .description(
    "the local demo: LocalStack EC2 + a real kube-apiserver, the controller, and endpoint moves",
  )
  .option("--moves <n>", "how many times to move the VPN endpoint", "6")
  .option("--verbose", "show the controller's logs")
  .action(async (options: { moves: string; verbose?: boolean }) => {
    process.exitCode = await runDemo({
      moves: Number(options.moves),
      verbose: options.verbose === true,
    });
  })
  .parseAsync(process.argv);
