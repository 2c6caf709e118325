import type { FakeAzureOptions } from "./fake-azure.js";

/**
 * ARM's long-running-operation timings as the timing-sensitive runs assume them (issue 14):
 * every long-running response carries `Retry-After: 10` (the SDK polls no sooner; ARM asks for
 * at least 10 s, and clients wait 60 s when it is missing) and a route write completes after
 * 5 s. Assumptions from ARM's async-operation guidance, not measurements of Azure. Used by the
 * realistic convergence bench (`BENCH_AZURE_TIMINGS=realistic`) and the Azure fault soak.
 */
export const armRetryAfterSeconds = 10;

/** How long a route write's operation runs before it ends (see armRetryAfterSeconds). */
export const armOperationMs = 5_000;

/** The fake's settings for ARM's timings: `FakeAzure.start(armTimings)`. */
export const armTimings = {
  operationDurationMs: armOperationMs,
  lroRetryAfterSeconds: armRetryAfterSeconds,
} as const satisfies FakeAzureOptions;
