/** How one cloud API call ended, as metrics count it. */
export type CallOutcome = "ok" | "throttled" | "error";

/**
 * Counts every cloud API call by operation, for metrics and the API-budget benchmark. Providers
 * report to it and observability implements it, so neither imports the other.
 */
export interface CallObserver {
  onCall(provider: string, operation: string, outcome: CallOutcome, seconds: number): void;
}
