import { type Command, Option } from "commander";
import { agentSharedSettings } from "./agent-settings.js";
import { type ConfigCommand, envName, type Setting } from "./setting.js";
import { allSettings } from "./settings.js";

/** Which subcommand the options are for; `plan` never writes, so it has no `--dry-run`. */
export type OptionsMode = ConfigCommand;

/** Whether `setting` belongs on `mode`'s command line. */
function isFor(setting: Setting<unknown>, mode: OptionsMode): boolean {
  if (setting.commands !== undefined) return setting.commands.includes(mode);
  if (mode === "agent") return agentSharedSettings.has(setting.flag);
  return setting.controllerOnly !== true || mode === "controller";
}

function describe(setting: Setting<unknown>): string {
  const file = setting.file === undefined ? "" : ` Config file: ${setting.file}.`;
  return `${setting.help}${file}`;
}

/**
 * Adds every configuration option to `command`, each with its `VRS_` environment variable. No
 * commander defaults are set: an option is undefined unless given, so the loader can apply
 * flag > environment > config file > default precedence and name where each value came from.
 * Switches take an optional value (`--dry-run`, `--dry-run=false`), so that an environment
 * variable set to "false" means false.
 */
export function addConfigOptions(command: Command, mode: OptionsMode): Command {
  for (const setting of allSettings) {
    if (!isFor(setting, mode)) continue;
    const heading = `${setting.group} options:`;
    command.addOption(
      new Option(`--${setting.flag} ${setting.placeholder}`, describe(setting))
        .env(envName(setting))
        .helpGroup(heading),
    );
    if (setting.negatable === true) {
      command.addOption(
        new Option(`--no-${setting.flag}`, `Same as --${setting.flag}=false.`).helpGroup(heading),
      );
    }
  }
  return command;
}
