/**
 * The contract world of the in-memory FakeProvider, so the fake the reconciler's unit tests rely
 * on is held to the same behaviours as the real providers. "Restart" is a new FakeProvider over
 * the same in-memory cloud (the per-table maps are shared); throttling comes from `beforeCall`.
 */
import { FakeProvider } from "../../providers/fake/index.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { ThrottledError } from "../../src/errors.js";
import type { ContractWorld } from "./world.js";

const tables = ["rtb-fake-a", "rtb-fake-b"] as const;
const networkCidrs = ["172.31.0.0/16", "2600:1f18:1::/56"];
const node = (name: string, ip: string): NodeInfo => ({
  name,
  providerId: `fake:///${name}`,
  internalIps: [ip],
});
const targetOf = (n: NodeInfo) => `eni-${n.name}`;

/** Starts a fake world: two tables, three nodes with forwarding on. */
export async function startFakeWorld(): Promise<ContractWorld> {
  const nodes = [
    node("fake-node-a", "172.31.0.10"),
    node("fake-node-b", "172.31.16.20"),
    node("fake-node-c", "172.31.32.30"),
  ] as const;
  const cloud = new FakeProvider({ tables, networkCidrs });
  for (const n of nodes) cloud.nodes.set(n.name, { targets: { 4: targetOf(n) }, forwarding: true });
  let throttleArmed = false;
  let throttled = 0;
  cloud.beforeCall = (operation) => {
    if (!throttleArmed || !operation.startsWith("applyWrite")) return;
    throttleArmed = false;
    throttled++;
    throw new ThrottledError("the fake cloud asks to slow down");
  };

  /** Another instance over the same cloud: same tables, ownership records and nodes. */
  const sharing = (): FakeProvider => {
    const other = new FakeProvider({ tables, networkCidrs });
    for (const id of tables) {
      other.routes.set(id, cloud.routes.get(id) ?? new Map());
      other.owners.set(id, cloud.owners.get(id) ?? new Map());
    }
    for (const [name, known] of cloud.nodes) other.nodes.set(name, known);
    return other;
  };

  return {
    clusterId: "contract",
    provider: cloud,
    nodes,
    tables,
    networkCidrs,
    restart: sharing,
    async putForeignRoute(table, cidr, n) {
      cloud.putRoute(table, cidr, targetOf(n));
    },
    async putOtherClusterRoute(table, cidr, n, owner) {
      cloud.putRoute(table, cidr, targetOf(n), owner);
    },
    injectThrottle() {
      throttleArmed = true;
    },
    throttledAnswers: () => throttled,
    async setForwarding(n, on) {
      const known = cloud.nodes.get(n.name);
      if (known !== undefined) known.forwarding = on;
    },
    interfaceName: targetOf,
    watchRoutes(cidr) {
      const from = cloud.calls.length;
      return {
        stop() {
          const calls = cloud.calls.slice(from);
          const deletes = calls.filter((c) => c === "applyWrite:delete").length;
          return {
            evidence: "call log",
            gapless: deletes === 0 && calls.includes("applyWrite:replace"),
            detail: `calls while moving ${cidr}: ${calls.join(", ")}`,
          };
        },
      };
    },
    async close() {},
  };
}
