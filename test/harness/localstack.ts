import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { EC2Client } from "@aws-sdk/client-ec2";
import { findFreePort } from "./ports.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const scripts = here.includes(join("dist", "test"))
  ? join(here, "..", "..", "..", "localstack")
  : join(here, "..", "..", "localstack");

/** A LocalStack EC2 emulator started by `localstack/start.sh` on a free loopback port. */
export interface LocalStack {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts LocalStack on a free port (installing its venv on first use) and waits until EC2 is healthy. */
export async function startLocalStack(port?: number): Promise<LocalStack> {
  const chosen = port ?? (await findFreePort());
  const env = { ...process.env, LOCALSTACK_PORT: String(chosen) };
  const child = run(join(scripts, "start.sh"), [], { env, maxBuffer: 1 << 20 });
  child.child.stderr?.pipe(process.stderr);
  const { stdout } = await child.catch((error: unknown) => {
    throw new Error(`localstack/start.sh failed on port ${chosen}`, { cause: error });
  });
  const line = stdout.split("\n").find((l) => l.startsWith("LOCALSTACK_ENDPOINT="));
  if (line === undefined)
    throw new Error("localstack/start.sh did not print LOCALSTACK_ENDPOINT=...");
  return {
    endpoint: line.slice("LOCALSTACK_ENDPOINT=".length).trim(),
    port: chosen,
    async stop() {
      await run(join(scripts, "stop.sh"), [], { env });
    },
  };
}

/** An EC2 client for the emulator, with the dummy credentials LocalStack accepts. */
export function localStackEc2Client(endpoint: string, region = "us-east-1"): EC2Client {
  return new EC2Client({
    endpoint,
    region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}
