#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { runAgent } from "./cli/agent.js";
import { runController } from "./cli/controller.js";
import { exitCodes } from "./cli/exit-codes.js";
import { runPlan } from "./cli/plan.js";
import { packageVersion, runVersion } from "./cli/version.js";
import { loadAgentOptions } from "./config/agent.js";
import { loadConfig } from "./config/load.js";
import { addConfigOptions } from "./config/options.js";
import { errorMessage, isConfigError } from "./errors.js";

/** Composition root: parses the command line and hands a validated Config to one subcommand. */
async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command("vpc-route-sync")
    .description("Keeps cloud route tables pointing at the node that hosts a VPN server Pod.")
    .version(packageVersion(), "--version", "print the version")
    .showHelpAfterError()
    // Usage errors come back as CommanderError (below) instead of exiting 1 inside commander.
    .exitOverride();
  const config = (options: Record<string, unknown>) => loadConfig({ options, env: process.env });

  addConfigOptions(
    program
      .command("controller")
      .description(
        "watch annotated Services and keep every managed route table pointing at the VPN Pod's node",
      ),
    "controller",
  ).action(async (options: Record<string, unknown>) => {
    exitCode = await runController(config(options));
  });

  addConfigOptions(
    program
      .command("plan")
      .description(
        `print what the controller would change (one read, no writes); exit ${exitCodes.ok} in sync, ${exitCodes.drift} drift, ${exitCodes.attention} needs attention, ${exitCodes.error} error, ${exitCodes.usage} bad configuration or usage`,
      )
      .addOption(
        new Option("-o, --output <format>", "table or json")
          .choices(["table", "json"])
          .default("table"),
      ),
    "plan",
  ).action(async (options: Record<string, unknown>) => {
    exitCode = await runPlan(config(options), options.output === "json" ? "json" : "table");
  });

  addConfigOptions(
    program
      .command("agent")
      .description(
        "node agent (DaemonSet): kernel routes to the VPN Pod's node and optional MASQUERADE, for kubenet, bare metal and the last hop",
      ),
    "agent",
  ).action(async (options: Record<string, unknown>) => {
    exitCode = await runAgent(loadAgentOptions({ options, env: process.env }));
  });

  program
    .command("version")
    .description("print the version")
    .action(() => {
      exitCode = runVersion();
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Commander has printed its message (and the help) already.
    const asked = ["commander.helpDisplayed", "commander.help", "commander.version"];
    return asked.includes(error.code) ? exitCodes.ok : exitCodes.usage;
  }
  return exitCode;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // The config loader's message has its own "invalid configuration (N problems):" heading;
    // a single problem found later gets one here, so no message shows the heading twice.
    const text = errorMessage(error);
    const heading =
      isConfigError(error) && !text.startsWith("invalid ") ? "invalid configuration: " : "";
    process.stderr.write(`vpc-route-sync: ${heading}${text}\n`);
    process.exitCode = isConfigError(error) ? exitCodes.usage : exitCodes.error;
  },
);
