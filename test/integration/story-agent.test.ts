import { describe, expect, it } from "vitest";
import { FakeKernel } from "../../src/agent/fake-kernel.js";
import type { RunningAgent } from "../../src/cli/agent.js";
import { storyScenarios } from "../harness/story-fixture.js";
import type { StoryScenario } from "../harness/story-scenario.js";
import { startTestAgent } from "../harness/test-agent.js";

const story = storyScenarios("agent");
const cidr = "10.8.0.0/24";

/** Tells every node's kernel how to reach each VPN Pod IP (the Pod's veth on its own node). */
async function learnPods(s: StoryScenario, kernels: readonly FakeKernel[]): Promise<void> {
  for (const pod of await s.workloads.pods(s.namespace, "openvpn")) {
    const ip = pod.status?.podIP;
    if (ip !== undefined) for (const k of kernels) k.lookups.set(ip, { dev: "veth-vpn" });
  }
}

describe("user story: the node agent fed by the real EndpointSlices (real control plane)", () => {
  it("in fallback mode, routes every node via the hosting node and the hosting node on-link to the Pod, and follows a kubectl drain", async () => {
    const s = await story();
    await s.deployVpn({ "vpc-route-sync.io/cidrs": cidr }, { onePerNode: true });
    const [first] = await s.readyOn(1);
    if (first === undefined) throw new Error("no ready VPN Pod");
    const kernels = s.vpc.nodes.map(() => new FakeKernel());
    await learnPods(s, kernels);
    const agents: RunningAgent[] = [];
    const routes = () =>
      kernels.map((k) =>
        k.routes.map((r) => `${r.dst} via ${r.gateway}${r.onlink ? ` dev ${r.dev}` : ""}`),
      );
    const expected = async (host: number) => {
      const [pod] = await s.workloads.readyPods(s.namespace, "openvpn");
      return s.vpc.nodes.map((_, i) =>
        i === host
          ? [`${cidr} via ${pod?.status?.podIP} dev veth-vpn`]
          : [`${cidr} via ${s.node(host).privateIp}`],
      );
    };
    try {
      for (const [i, kernel] of kernels.entries()) {
        agents.push(
          await startTestAgent({
            nodeName: s.node(i).name,
            namespace: s.namespace,
            kubeConfig: s.kubeConfig,
            kernel,
          }),
        );
      }
      const before = await expected(first);
      await s.eventually(
        () => JSON.stringify(routes()) === JSON.stringify(before),
        "every node routes the VPN CIDR via the first hosting node",
      );
      const second = await s.drain(first);
      expect(second).not.toBe(first);
      await learnPods(s, kernels);
      const after = await expected(second);
      await s.eventually(
        () => JSON.stringify(routes()) === JSON.stringify(after),
        "every node routes the VPN CIDR via the new hosting node",
      );
    } finally {
      await Promise.allSettled(agents.map((a) => a.stop()));
    }
  });
});
