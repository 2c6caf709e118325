import { afterEach, inject } from "vitest";
import { AwsScenario } from "./aws-scenario.js";

/**
 * AWS scenarios for one test file, as `storyScenarios` does for stories: each call sets up a
 * fresh one on the shared LocalStack and API server; all are torn down after each test.
 */
export function awsScenarios(prefix: string): () => Promise<AwsScenario> {
  let counter = 0;
  const live: AwsScenario[] = [];
  afterEach(async () => {
    await Promise.all(live.splice(0).map((s) => s.tearDown()));
  });
  return async () => {
    const s = new AwsScenario(
      `${prefix}-${process.pid % 1000}-${++counter}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    );
    live.push(s);
    return await s.setUp();
  };
}
