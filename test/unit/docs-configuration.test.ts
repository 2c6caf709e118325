import { readFileSync } from "node:fs";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addConfigOptions } from "../../src/config/options.js";

describe("docs/configuration.md", () => {
  it("documents every flag the controller accepts", () => {
    const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    const flags = addConfigOptions(new Command("controller"), "controller").options.map(
      (o) => o.long ?? "",
    );
    expect(flags.length).toBeGreaterThan(30);
    expect(flags.filter((f) => !doc.includes(f))).toEqual([]);
  });

  it("documents every flag the node agent accepts", () => {
    const doc = readFileSync(new URL("../../docs/configuration.md", import.meta.url), "utf8");
    const flags = addConfigOptions(new Command("agent"), "agent").options.map((o) => o.long ?? "");
    expect(flags).toContain("--node-name");
    expect(flags.filter((f) => !doc.includes(f))).toEqual([]);
  });
});
