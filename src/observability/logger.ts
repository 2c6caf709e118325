import { type Logger, pino } from "pino";
import { redactText, redactValue } from "./redact.js";

/** The log levels a user may set (`--log-level`); `silent` logs nothing. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

export type { Logger } from "pino";

/** Options for the one root logger of a process. */
export interface LoggerOptions {
  readonly level?: string;
  /** Human-readable single-line output instead of JSON (only when asked for). */
  readonly pretty?: boolean;
  readonly destination?: NodeJS.WritableStream;
}

/** Creates the root JSON logger; components take `logger.child({ component })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = {
    level: options.level ?? "info",
    // Credentials never reach a log line: see redact.ts for why pino's `redact` paths cannot.
    formatters: {
      bindings: (bindings: Record<string, unknown>) => scrub(bindings),
      log: (object: Record<string, unknown>) => scrub(object),
    },
    hooks: {
      logMethod(this: Logger, args: Parameters<pino.LogFn>, method: pino.LogFn) {
        const scrubbed: unknown[] = args.map((arg) =>
          typeof arg === "string" ? redactText(arg) : arg,
        );
        // An Error logged alone gives pino its message as `msg`: pass it scrubbed instead.
        const [first] = args;
        if (first instanceof Error && typeof args[1] !== "string") {
          scrubbed.splice(1, 0, redactText(first.message));
        }
        return method.apply(this, scrubbed as Parameters<pino.LogFn>);
      },
    },
    base: { name: "vpc-route-sync" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty) {
    return pino(base, prettyStream(options.destination ?? process.stderr));
  }
  return options.destination
    ? pino(base, options.destination as pino.DestinationStream)
    : pino(base);
}

const scrub = (object: Record<string, unknown>) => redactValue(object) as Record<string, unknown>;

/** Renders `time level component msg {rest}` on one line for people; JSON stays the default. */
function prettyStream(out: NodeJS.WritableStream): pino.DestinationStream {
  return {
    write(line: string) {
      try {
        const {
          time,
          level,
          msg,
          name: _name,
          pid: _pid,
          hostname: _host,
          component,
          ...rest
        } = JSON.parse(line) as Record<string, unknown>;
        const label = pino.levels.labels[Number(level)] ?? String(level);
        const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : "";
        const who = component ? ` [${String(component)}]` : "";
        out.write(
          `${String(time).slice(11, 23)} ${label.toUpperCase().padEnd(5)}${who} ${String(msg)}${extra}\n`,
        );
      } catch {
        out.write(line);
      }
    },
  };
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
