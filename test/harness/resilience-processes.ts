/**
 * Controller replicas as separate processes (dist/src/main.js, as in production), with their JSON
 * logs parsed for leadership: each replica's terms run from "lease acquired" to "leadership lost",
 * "lease released" or its exit. Raw logs go to a file per replica for diagnosis.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const repoRoot = join(import.meta.dirname, "..", "..");
/** dist/ holds the compiled CLI (global-setup builds it); harness files compile into dist/test too. */
const main = repoRoot.endsWith("dist")
  ? join(repoRoot, "src", "main.js")
  : join(repoRoot, "dist", "src", "main.js");

/** Turns scenario options (camelCase keys) into command-line flags for a separate process. */
export function toFlags(options: Record<string, unknown>): string[] {
  return Object.entries(options).map(
    ([key, value]) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}=${String(value)}`,
  );
}

/** One line of a replica's log that the resilience tests care about. */
export interface LogEvent {
  readonly msg: string;
  /** Wall-clock milliseconds from the log line's own `time`. */
  readonly at: number;
  readonly line: Readonly<Record<string, unknown>>;
}

/** A leadership term as the replica logged it; `end` is undefined while it still leads. */
export interface Term {
  readonly start: number;
  readonly end: number | undefined;
}

const watched = new Set([
  "controller started",
  "caches synced",
  "lease acquired",
  "leadership lost",
  "lease released",
  "shutting down",
  "controller stopped",
]);

const termEnds = new Set(["leadership lost", "lease released", "controller stopped"]);

/** A running (or ended) controller process. */
export class ControllerProcess {
  readonly identity: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly events: LogEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitedAt: number | undefined;

  constructor(identity: string, options: Record<string, unknown>, logDir: string) {
    this.identity = identity;
    mkdirSync(logDir, { recursive: true });
    this.logPath = join(logDir, `${identity}.log`);
    const file = createWriteStream(this.logPath);
    this.child = spawn(process.execPath, [main, "controller", ...toFlags(options)], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stderr?.pipe(file, { end: false });
    const lines = this.child.stdout ? createInterface(this.child.stdout) : undefined;
    lines?.on("line", (text) => {
      file.write(`${text}\n`);
      this.#parse(text);
    });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitedAt = Date.now();
        // Let the last buffered log lines arrive before the log file closes.
        setTimeout(() => file.end(), 100).unref();
        resolve({ code, signal });
      });
    });
  }

  #parse(text: string): void {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const msg = typeof line.msg === "string" ? line.msg : "";
    if (!watched.has(msg)) return;
    this.events.push({ msg, at: Date.parse(String(line.time)), line });
  }

  get isAlive(): boolean {
    return this.exitedAt === undefined;
  }

  has(msg: string): boolean {
    return this.events.some((e) => e.msg === msg);
  }

  /** Sends `signal` and returns the wall-clock time it was sent. */
  signal(signal: NodeJS.Signals): number {
    const at = Date.now();
    this.child.kill(signal);
    return at;
  }

  /** Leadership terms from the log; a term still open at exit ends at the exit. */
  terms(): Term[] {
    const terms: { start: number; end: number | undefined }[] = [];
    for (const event of this.events) {
      const open = terms.at(-1);
      if (event.msg === "lease acquired") terms.push({ start: event.at, end: undefined });
      else if (open !== undefined && open.end === undefined && termEnds.has(event.msg))
        open.end = event.at;
    }
    const last = terms.at(-1);
    if (last !== undefined && last.end === undefined && this.exitedAt !== undefined)
      last.end = this.exitedAt;
    return terms;
  }
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined or false;
 * throws naming `what` after `timeoutMs`. Checks that call a cloud API should poll gently.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Keeps one controller process running, as the kubelet does for a Deployment's Pod: whenever
 * it exits (e.g. exit 1 after losing its lease), a new one starts after `restartDelayMs`.
 */
export class ControllerSupervisor {
  current: ControllerProcess;
  readonly generations: ControllerProcess[] = [];
  readonly #spawn: (generation: number) => ControllerProcess;
  readonly #restartDelayMs: number;
  #stopped = false;

  constructor(spawnOne: (generation: number) => ControllerProcess, restartDelayMs = 1_000) {
    this.#spawn = spawnOne;
    this.#restartDelayMs = restartDelayMs;
    this.current = this.#start();
  }

  #start(): ControllerProcess {
    const p = this.#spawn(this.generations.length);
    this.generations.push(p);
    void p.exited.then(async () => {
      await new Promise((r) => setTimeout(r, this.#restartDelayMs));
      if (!this.#stopped) this.current = this.#start();
    });
    return p;
  }

  /** Stops restarting and kills the running process. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.current.signal("SIGKILL");
    await Promise.all(this.generations.map((p) => p.exited));
  }
}
