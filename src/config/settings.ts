import { agentSettings } from "./agent-settings.js";
import { cloudSettings } from "./cloud-settings.js";
import { coreSettings } from "./core-settings.js";
import type { Setting } from "./setting.js";

/** Every setting by name, for typed reads in the loader. */
export const settings = { ...coreSettings, ...cloudSettings, ...agentSettings } as const;

/** Every setting in help order, for building options and the config-file schema. */
export const allSettings: readonly Setting<unknown>[] = Object.values(settings);
