import type { AwsProviderOptions } from "../../../providers/aws/options.js";
import { buildAwsProvider } from "../../../providers/aws/provider.js";
import type { CallObserver, Provider } from "../../../providers/types.js";
import type { Clock } from "../../../src/clock.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { FakeEc2Port } from "./fake-ec2-port.js";

/** A clock tests move by hand; `sleep` advances it instead of waiting. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

/** Creates a ManualClock starting at `startMs`. */
export function manualClock(startMs = 1_000): ManualClock {
  let now = startMs;
  return {
    monotonicMs: () => now,
    wallNow: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A CallObserver that keeps every call, for asserting the API budget. */
export interface RecordingObserver extends CallObserver {
  readonly calls: { operation: string; outcome: string; seconds: number }[];
  count(operation?: string): number;
  reset(): void;
}

/** Creates a RecordingObserver. */
export function recordingObserver(): RecordingObserver {
  const calls: { operation: string; outcome: string; seconds: number }[] = [];
  return {
    calls,
    onCall: (_provider, operation, outcome, seconds) => {
      calls.push({ operation, outcome, seconds });
    },
    count: (operation) =>
      calls.filter((c) => operation === undefined || c.operation === operation).length,
    reset: () => {
      calls.length = 0;
    },
  };
}

/** The standard small world: one dual-stack VPC, two managed tables, two nodes. */
export const world = {
  vpcId: "vpc-0a",
  vpcCidrs: ["172.31.0.0/16", "2600:1f18:1:100::/56"],
  tables: ["rtb-0a", "rtb-0b"],
  selector: { key: "team", value: "net" },
  nodeA: {
    name: "node-a",
    providerId: "aws:///us-east-1a/i-0aaa",
    internalIps: ["172.31.0.10", "2600:1f18:1:100::a"],
  },
  nodeB: { name: "node-b", providerId: "aws:///us-east-1b/i-0bbb", internalIps: ["172.31.16.20"] },
  eniA: "eni-0aaa",
  eniB: "eni-0bbb",
} as const;

/**
 * A FakeEc2Port holding the standard world, and a provider over it with a manual clock and a
 * recording observer. For unit tests and the provider contract suite.
 */
export function createFakeWorld(overrides: Partial<AwsProviderOptions> = {}): {
  port: FakeEc2Port;
  provider: Provider;
  clock: ManualClock;
  observer: RecordingObserver;
} {
  const port = new FakeEc2Port();
  port.vpcs.set(world.vpcId, { id: world.vpcId, cidrs: [...world.vpcCidrs] });
  for (const id of world.tables) {
    port.addTable(id, world.vpcId, { Name: id, [world.selector.key]: world.selector.value });
    port.putRoute(id, "172.31.0.0/16", { otherTargetId: "local" });
  }
  port.interfaces.set(world.eniA, {
    id: world.eniA,
    instanceId: "i-0aaa",
    vpcId: world.vpcId,
    privateIps: ["172.31.0.10"],
    ipv6Addresses: ["2600:1f18:1:100::a"],
    sourceDestCheck: true,
  });
  port.interfaces.set(world.eniB, {
    id: world.eniB,
    instanceId: "i-0bbb",
    vpcId: world.vpcId,
    privateIps: ["172.31.16.20"],
    ipv6Addresses: [],
    sourceDestCheck: false,
  });
  const clock = manualClock();
  const observer = recordingObserver();
  const provider = buildAwsProvider(port, {
    clusterId: "c1",
    region: "us-east-1",
    routeTableIds: [...world.tables],
    routeTableTags: [],
    manageSourceDestCheck: false,
    clock,
    logger: silentLogger(),
    calls: observer,
    ...overrides,
  });
  return { port, provider, clock, observer };
}
