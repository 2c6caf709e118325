import type { Clock } from "../../../src/clock.js";
import type { FakeComputeState } from "./state.js";

/** Timings the tests tune; read on every request, so changes apply at once. */
export interface FakeTimings {
  /** How long a new operation stays PENDING. */
  pendingMs: number;
  /** How long it then stays RUNNING before DONE (when its effect applies). */
  runningMs: number;
  /** Longest a `wait` call blocks before answering with a not-yet-DONE operation (real: ~2 min). */
  waitMaxMs: number;
  /** How often a blocked `wait` re-checks the operation. */
  waitPollMs: number;
}

/**
 * Behaviours Compute's documentation leaves open, switchable so the provider is tested against
 * each; read on every request.
 */
export interface FakeBehaviour {
  /**
   * Host of the URLs in listed routes. Compute returns `www.googleapis.com` today; its newer
   * endpoint is `compute.googleapis.com`, and nothing documents which a listing carries.
   */
  urlHost: "www.googleapis.com" | "compute.googleapis.com";
  /**
   * How `=` / `!=` in a list filter compare a URL-valued field such as `network`: as exact
   * strings, or by resource path whatever the host (undocumented either way).
   */
  urlFieldMatch: "exact" | "path";
  /** Listings include each network's system routes (default route, subnet routes). */
  systemRoutes: boolean;
}

/** What every handler works on. */
export interface FakeEnv {
  readonly state: FakeComputeState;
  readonly clock: Clock;
  readonly timings: FakeTimings;
  readonly behaviour: FakeBehaviour;
  /** Principal shown as the operations' `user`. */
  readonly user: string;
}

/** A parsed request as handlers see it. */
export interface FakeRequest {
  /** Path parameters from the URL template, e.g. `{ project, route }`. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Aborted when the client hangs up or the server closes, so a held answer stops holding. */
  readonly signal?: AbortSignal;
}

/** One REST method of the fake: returns the JSON resource or throws an ApiFailure. */
export type Handler = (env: FakeEnv, request: FakeRequest) => unknown;

/** Reads a path parameter the router guarantees to have matched. */
export function param(request: FakeRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new Error(`route template has no {${name}}`);
  return value;
}
