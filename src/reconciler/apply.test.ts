import { describe, expect, it } from "vitest";
import type { RouteWrite } from "../../providers/types.js";
import { VirtualClock } from "../../test/unit/fixtures/clock.js";
import type { Action } from "../domain/plan.js";
import { LeadershipLostError } from "../errors.js";
import { silentLogger } from "../observability/logger.js";
import { type ApplyDeps, applyPlan } from "./apply.js";
import { WriteRateLimiter } from "./rate-limiter.js";

const replace = (table: string, cidr: string): Action => ({
  kind: "replace",
  service: "vpn/openvpn",
  table,
  cidr,
  target: { id: "eni-b", nodeName: "node-b" },
  currentTargetId: "eni-a",
  currentTargetDescription: "eni-a",
  owner: { clusterId: "c1", service: "vpn/openvpn" },
  adopt: false,
  routeExists: true,
  ownerChanged: false,
  reason: "the endpoint moved",
});

/**
 * Writes that each stay in flight until the next turn of the event loop, recording how many ran at
 * once per table: writes the applier overlaps start in the same turn.
 */
function overlapRecorder() {
  const inFlight = new Map<string, number>();
  const most = new Map<string, number>();
  const order: string[] = [];
  return {
    most,
    order,
    applyWrite: async (write: RouteWrite) => {
      order.push(`${write.table} ${write.cidr.text}`);
      const now = (inFlight.get(write.table) ?? 0) + 1;
      inFlight.set(write.table, now);
      most.set(write.table, Math.max(most.get(write.table) ?? 0, now));
      await new Promise((resolve) => setImmediate(resolve));
      inFlight.set(write.table, (inFlight.get(write.table) ?? 1) - 1);
    },
  };
}

function deps(applyWrite: ApplyDeps["applyWrite"], extra: Partial<ApplyDeps> = {}): ApplyDeps {
  const clock = new VirtualClock();
  return {
    applyWrite,
    assertMayWrite: () => undefined,
    limiter: new WriteRateLimiter(1000, clock),
    clock,
    logger: silentLogger(),
    retries: 0,
    ...extra,
  };
}

describe("applyPlan", () => {
  const actions = [
    replace("rtb-1", "10.8.0.0/24"),
    replace("rtb-1", "10.8.1.0/24"),
    replace("rtb-1", "10.8.2.0/24"),
    replace("rtb-2", "10.8.0.0/24"),
  ];

  it("writes one route at a time per table by default, tables in parallel", async () => {
    const writes = overlapRecorder();
    const results = await applyPlan(actions, deps(writes.applyWrite));
    expect(results.map((r) => r.outcome)).toEqual(["applied", "applied", "applied", "applied"]);
    expect(Object.fromEntries(writes.most)).toEqual({ "rtb-1": 1, "rtb-2": 1 });
    expect(writes.order.slice(0, 2)).toEqual(["rtb-1 10.8.0.0/24", "rtb-2 10.8.0.0/24"]);
  });

  it("writes every CIDR of a table at once when routes are independent objects", async () => {
    const writes = overlapRecorder();
    const results = await applyPlan(actions, deps(writes.applyWrite, { serialiseBy: "route" }));
    expect(results.map((r) => r.outcome)).toEqual(["applied", "applied", "applied", "applied"]);
    expect(Object.fromEntries(writes.most)).toEqual({ "rtb-1": 3, "rtb-2": 1 });
  });

  it("still checks leadership before each of the concurrent writes and skips them all once lost", async () => {
    const writes: RouteWrite[] = [];
    const results = await applyPlan(
      actions,
      deps(async (w) => void writes.push(w), {
        serialiseBy: "route",
        assertMayWrite: () => {
          throw new LeadershipLostError();
        },
      }),
    );
    expect(writes).toEqual([]);
    expect(results.map((r) => r.outcome)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
  });
});

describe("applyPlan when the controller stops mid-write", () => {
  it("reports a write the cloud applied while stopping as applied, never as failed", async () => {
    const stop = new AbortController();
    const write = async () => {
      stop.abort(new DOMException("This operation was aborted", "AbortError"));
      await new Promise((resolve) => setImmediate(resolve));
    };
    const [result] = await applyPlan(
      [replace("rtb-1", "10.8.0.0/24")],
      deps(write, { signal: stop.signal }),
    );
    expect(result).toMatchObject({ outcome: "applied", attempts: 1 });
  });

  it("reports a write cut off by the stop as of unknown outcome (skipped), not as failed", async () => {
    const stop = new AbortController();
    const write = async () => {
      stop.abort(new DOMException("This operation was aborted", "AbortError"));
      throw new Error("socket hang up");
    };
    const [result] = await applyPlan(
      [replace("rtb-1", "10.8.0.0/24")],
      deps(write, { signal: stop.signal }),
    );
    expect(result?.outcome).toBe("skipped");
    expect(result?.error).toContain("outcome unknown");
  });
});
