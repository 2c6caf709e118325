import { describe, expect, it } from "vitest";
import { fakeReconciler } from "../../test/unit/fixtures/reconciler.js";
import { TransientError } from "../errors.js";
import { observe } from "./observe.js";

const vpn = { "vpc-route-sync.io/cidrs": "10.8.0.0/24" };
const at = (node: string) => [
  { address: "10.244.1.5", nodeName: node, ready: true, terminating: false },
];

describe("observe", () => {
  it("resolves the hosting node's target while the route tables are being listed, not after", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-b"));
    const order: string[] = [];
    const list = r.provider.listTables.bind(r.provider);
    const resolve = r.provider.resolveTarget.bind(r.provider);
    let resolveStarted: () => void = () => undefined;
    const resolving = new Promise<void>((done) => {
      resolveStarted = done;
    });
    r.provider.listTables = async () => {
      order.push("listing started");
      await resolving;
      order.push("listing done");
      return list();
    };
    r.provider.resolveTarget = async (node, family) => {
      order.push(`resolving ${node.name}`);
      resolveStarted();
      return resolve(node, family);
    };
    const observation = await observe(
      r.cluster,
      r.provider,
      r.deps.nodes,
      r.deps.settings,
      r.deps.logger,
    );
    expect(order).toEqual(["listing started", "resolving node-b", "listing done"]);
    expect(observation.input.tables.map((t) => t.id)).toEqual(["rtb-1", "rtb-2", "rtb-3"]);
    expect([...observation.resolved.values()].map((t) => t.id)).toEqual(["eni-b"]);
  });

  it("fails when the listing fails, even though target resolution went ahead", async () => {
    const r = fakeReconciler();
    r.cluster.addService("vpn/openvpn", vpn, at("node-b"));
    r.provider.listTables = async () => {
      throw new TransientError("DescribeRouteTables timed out");
    };
    await expect(
      observe(r.cluster, r.provider, r.deps.nodes, r.deps.settings, r.deps.logger),
    ).rejects.toThrow("DescribeRouteTables timed out");
  });
});
