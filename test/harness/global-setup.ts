import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { buildBundle } from "../../deploy/bundle.js";
import { type LocalControlPlane, startControlPlane } from "./control-plane.js";
import { type LocalStack, startLocalStack } from "./localstack.js";

/** What a test needs to drive the shared control plane beyond its API (kubectl, its own kwok). */
export interface ControlPlaneInfo {
  readonly kubectl: string;
  readonly kwok: string;
  /** Where test-started components write their logs (the control plane's work directory). */
  readonly workDir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    localstackEndpoint: string;
    kubeconfigPath: string;
    kubeServer: string;
    controlPlane: ControlPlaneInfo;
  }
}

/**
 * Compiles dist/ with tsc (tests and benchmarks run parts of it as separate processes) and builds
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
 * Starts LocalStack and a real control plane (etcd, kube-apiserver, controller-manager,
 * scheduler, kwok) once per run for the integration project. A service that cannot start fails
 * the run: integration tests never skip for want of one.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let localstack: LocalStack | undefined;
  let plane: LocalControlPlane | undefined;
  const teardown = async () => {
    await Promise.allSettled([localstack?.stop(), plane?.stop()]);
  };
  // Each service is recorded as soon as it is up, so a failure elsewhere still stops it.
  const outcomes = await Promise.allSettled([
    startLocalStack().then((s) => {
      localstack = s;
    }),
    startControlPlane().then((s) => {
      plane = s;
    }),
    buildDist(),
  ]);
  const failed = outcomes.find((r) => r.status === "rejected");
  if (failed !== undefined || localstack === undefined || plane === undefined) {
    await teardown();
    throw failed?.status === "rejected" ? failed.reason : new Error("a test service did not start");
  }
  process.stderr.write(
    `[harness] LocalStack ${localstack.endpoint}, control plane ${plane.kube.server} ` +
      `(etcd, kube-apiserver, controller-manager, scheduler, kwok; ${plane.startMs} ms) ` +
      `ready in ${Date.now() - started} ms\n`,
  );
  project.provide("localstackEndpoint", localstack.endpoint);
  project.provide("kubeconfigPath", plane.kube.kubeconfigPath);
  project.provide("kubeServer", plane.kube.server);
  project.provide("controlPlane", {
    kubectl: plane.binaries.kubectl,
    kwok: plane.binaries.kwok,
    workDir: plane.kube.workDir,
  });
  return teardown;
}
