import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { buildBundle } from "../../deploy/bundle.js";
import { type LocalKubeApiServer, startKubeApiServer } from "./kube-apiserver.js";
import { type LocalStack, startLocalStack } from "./localstack.js";

declare module "vitest" {
  export interface ProvidedContext {
    localstackEndpoint: string;
    kubeconfigPath: string;
    kubeServer: string;
  }
}

/**
 * Compiles dist/ with tsc (the bench and tests run parts of it as separate processes) and builds
 * the production bundle, dist/bundle/, which the image runs and the bundle tests start.
 */
async function buildDist(): Promise<void> {
  const root = join(import.meta.dirname, "..", "..");
  await Promise.all([
    promisify(execFile)(join(root, "node_modules", ".bin", "tsc"), [
      "-p",
      join(root, "tsconfig.build.json"),
    ]),
    buildBundle(),
  ]);
}

/**
 * Starts LocalStack and a real kube-apiserver once per run for the integration project.
 * A service that cannot start fails the run: integration tests never skip for want of one.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let localstack: LocalStack | undefined;
  let kube: LocalKubeApiServer | undefined;
  const teardown = async () => {
    await Promise.allSettled([localstack?.stop(), kube?.stop()]);
  };
  // Each service is recorded as soon as it is up, so a failure elsewhere still stops it.
  const outcomes = await Promise.allSettled([
    startLocalStack().then((s) => {
      localstack = s;
    }),
    startKubeApiServer().then((s) => {
      kube = s;
    }),
    buildDist(),
  ]);
  const failed = outcomes.find((r) => r.status === "rejected");
  if (failed !== undefined || localstack === undefined || kube === undefined) {
    await teardown();
    throw failed?.status === "rejected" ? failed.reason : new Error("a test service did not start");
  }
  process.stderr.write(
    `[harness] LocalStack ${localstack.endpoint}, kube-apiserver ${kube.server} ready in ${Date.now() - started} ms\n`,
  );
  project.provide("localstackEndpoint", localstack.endpoint);
  project.provide("kubeconfigPath", kube.kubeconfigPath);
  project.provide("kubeServer", kube.server);
  return teardown;
}
