import { ConfigError } from "../errors.js";

/**
 * Collects every configuration problem before failing, so an operator fixes them all from one
 * start-up attempt instead of one crash-loop restart per mistake.
 */
export interface Problems {
  /** Records `<label>: <message>`; the label names where the value came from. */
  add(label: string, message: string): void;
  readonly lines: readonly string[];
}

/** An empty collector. */
export function createProblems(): Problems {
  const lines: string[] = [];
  return {
    add: (label, message) => {
      lines.push(`${label}: ${message}`);
    },
    lines,
  };
}

/** One error listing every problem on its own line, ready to print and exit on. */
export function toConfigError(problems: Problems): ConfigError {
  const count = problems.lines.length;
  const heading = `invalid configuration (${count} problem${count === 1 ? "" : "s"}):`;
  return new ConfigError([heading, ...problems.lines.map((line) => `  ${line}`)].join("\n"));
}
