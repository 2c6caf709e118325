import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../test/unit/fixtures/clock.js";
import { mustParseCidr } from "../domain/cidr.js";
import type { EndpointInfo, ServiceIntent } from "../domain/service.js";
import { WithdrawGate } from "./withdraw-gate.js";

const intent = (endpoints: EndpointInfo[], onNoEndpoint: "keep" | "withdraw" = "withdraw") =>
  ({
    key: "vpn/openvpn",
    createdAt: "2026-01-01T00:00:00.000Z",
    cidrs: [mustParseCidr("10.8.0.0/24")],
    routeTables: undefined,
    onNoEndpoint,
    endpoints,
  }) satisfies ServiceIntent;

const terminatingServing: EndpointInfo = {
  address: "10.244.0.5",
  nodeName: "a",
  ready: false,
  serving: true,
  terminating: true,
};
const ready: EndpointInfo = {
  address: "10.244.1.5",
  nodeName: "b",
  ready: true,
  terminating: false,
};

describe("WithdrawGate", () => {
  it("holds a withdrawal while the only endpoint is terminating but still serving (a drain)", () => {
    const gate = new WithdrawGate(5_000, new VirtualClock());
    const { intents, recheckInMs } = gate.apply([intent([terminatingServing])]);
    expect(intents[0]?.withdrawHeld).toContain("terminating and still serving");
    expect(recheckInMs).toBeUndefined();
  });

  it("withdraws only after no endpoint at all has lasted the grace, and says when", () => {
    const clock = new VirtualClock();
    const gate = new WithdrawGate(5_000, clock);
    const first = gate.apply([intent([])]);
    expect(first.intents[0]?.withdrawHeld).toContain("withdrawing routes in 5 s");
    expect(first.recheckInMs).toBe(5_000);
    clock.advance(3_000);
    expect(gate.apply([intent([])]).recheckInMs).toBe(2_000);
    clock.advance(2_000);
    const due = gate.apply([intent([])]);
    expect(due.intents[0]?.withdrawHeld).toBeUndefined();
    expect(due.recheckInMs).toBeUndefined();
  });

  it("starts the grace again after an endpoint was ready in between", () => {
    const clock = new VirtualClock();
    const gate = new WithdrawGate(5_000, clock);
    gate.apply([intent([])]);
    clock.advance(4_000);
    expect(gate.apply([intent([ready])]).intents[0]?.withdrawHeld).toBeUndefined();
    clock.advance(4_000);
    expect(gate.apply([intent([])]).recheckInMs).toBe(5_000);
  });

  it("leaves keep Services and a zero grace alone", () => {
    const clock = new VirtualClock();
    expect(new WithdrawGate(5_000, clock).apply([intent([], "keep")]).intents[0]).toEqual(
      intent([], "keep"),
    );
    expect(new WithdrawGate(0, clock).apply([intent([])]).intents[0]?.withdrawHeld).toBeUndefined();
  });
});
