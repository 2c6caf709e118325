import type { TestProject } from "vitest/node";
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
  try {
    [localstack, kube] = await Promise.all([startLocalStack(), startKubeApiServer()]);
  } catch (error) {
    await teardown();
    throw error;
  }
  process.stderr.write(
    `[harness] LocalStack ${localstack.endpoint}, kube-apiserver ${kube.server} ready in ${Date.now() - started} ms\n`,
  );
  project.provide("localstackEndpoint", localstack.endpoint);
  project.provide("kubeconfigPath", kube.kubeconfigPath);
  project.provide("kubeServer", kube.server);
  return teardown;
}
