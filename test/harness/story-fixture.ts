import { afterEach, inject } from "vitest";
import { type StoryOptions, StoryScenario } from "./story-scenario.js";

/**
 * Story scenarios for one test file: `create()` sets up a fresh one on the shared LocalStack and
 * control plane; every scenario created is torn down after each test.
 */
export function storyScenarios(prefix: string): (options?: StoryOptions) => Promise<StoryScenario> {
  let counter = 0;
  const live: StoryScenario[] = [];
  afterEach(async () => {
    await Promise.all(live.splice(0).map((s) => s.tearDown()));
  });
  return async (options = {}) => {
    const s = new StoryScenario(
      `${prefix}-${process.pid % 1000}-${++counter}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
      inject("controlPlane"),
      options,
    );
    live.push(s);
    return await s.setUp();
  };
}
