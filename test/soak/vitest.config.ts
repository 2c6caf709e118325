import { join } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `npm run soak`: the long resilience variants (docs/resilience.md), kept out of `npm test` by
 * living in their own config. Same harness as the integration project: LocalStack and a real
 * kube-apiserver started once, dist/ built for the controller processes. Results go to
 * test/soak/results/*.json.
 */
export default defineConfig({
  test: {
    root: join(import.meta.dirname, "..", ".."),
    include: ["test/soak/**/*.test.ts"],
    globalSetup: ["test/harness/global-setup.ts"],
    testTimeout: 4 * 60 * 60 * 1000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
