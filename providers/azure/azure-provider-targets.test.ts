import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, NotFoundError, PermanentError, TransientError } from "../../src/errors.js";
import type { FakeAzure } from "../../test/fakes/azure/fake-azure.js";
import {
  ids,
  providerFor,
  seedScenario,
  startScenario,
  vmNode,
  vmssNode,
} from "../../test/fakes/azure/provider-harness.js";

let fake: FakeAzure;

beforeAll(async () => {
  fake = await startScenario();
});
afterAll(() => fake.close());
beforeEach(() => {
  seedScenario(fake);
  fake.clearFaults();
  fake.resetCalls();
});

describe("azure provider targets and network against the fake ARM over HTTPS", () => {
  it("declares its capabilities", () => {
    const { provider } = providerFor(fake);
    expect(provider.name).toBe("azure");
    expect(provider.capabilities).toEqual({
      gaplessReplace: true,
      forwardingCheck: true,
      manageForwarding: false,
      ipv6: true,
    });
  });

  it.each([
    [4, "10.0.0.4"],
    [6, "fd00:10::4"],
  ] as const)(
    "resolves a VM node to its IPv%i InternalIP with forwarding checked on its NIC",
    async (family, ip) => {
      const { provider } = providerFor(fake);
      await expect(provider.resolveTarget(vmNode, family)).resolves.toEqual({
        id: ip,
        nodeName: "node-0",
        description: `${ip} (node node-0, NIC node-0-nic)`,
        forwarding: { state: "enabled" },
      });
      expect(fake.calls("virtualMachines.get")).toBe(1);
      expect(fake.calls("networkInterfaces.get")).toBe(1);
    },
  );

  it("caches NIC lookups for the TTL, so steady state makes no calls", async () => {
    const { provider, clock } = providerFor(fake, { cacheTtlMs: 60_000 });
    await provider.resolveTarget(vmNode, 4);
    await provider.resolveTarget(vmNode, 4);
    expect(fake.calls()).toBe(2);
    clock.now += 60_001;
    await provider.resolveTarget(vmNode, 4);
    expect(fake.calls()).toBe(4);
  });

  it("reports IP forwarding off on a scale set instance's NIC, naming the NIC, the node and the fix", async () => {
    const { provider } = providerFor(fake);
    const target = await provider.resolveTarget(vmssNode, 4);
    expect(target).toMatchObject({ id: "10.0.1.7", forwarding: { state: "disabled" } });
    const message = target.forwarding.state === "disabled" ? target.forwarding.message : "";
    expect(message).toContain("NIC pool1-nic");
    expect(message).toContain("node aks-pool1-vmss000003");
    expect(message).toContain("--ip-forwarding true");
    expect(fake.calls("networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces")).toBe(1);
  });

  it("refuses a family the node has no InternalIP of, naming the node", async () => {
    const { provider } = providerFor(fake);
    const error = await provider.resolveTarget(vmssNode, 6).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toContain("node aks-pool1-vmss000003 has no IPv6 InternalIP");
  });

  it("still resolves the target when the forwarding check cannot run, and says why", async () => {
    const { provider } = providerFor(fake);
    const noProvider = await provider.resolveTarget({ ...vmNode, providerId: undefined }, 4);
    expect(noProvider.forwarding).toMatchObject({
      state: "unknown",
      message: expect.stringContaining("no Azure providerID"),
    });
    fake.injectFault({
      operation: "virtualMachines.get",
      effect: { status: 503, code: "ServiceUnavailable" },
    });
    const failed = await provider.resolveTarget(vmNode, 4);
    expect(failed).toMatchObject({ id: "10.0.0.4", forwarding: { state: "unknown" } });
    await provider.resolveTarget(vmNode, 4);
    expect(fake.calls("virtualMachines.get")).toBe(2);
  });

  it("refuses to turn forwarding on: the NIC setting belongs to the admin", async () => {
    const { provider } = providerFor(fake);
    const target = await provider.resolveTarget(vmssNode, 4);
    await expect(provider.enableForwarding(target)).rejects.toThrow(
      /enableIPForwarding.*10\.0\.1\.7/,
    );
  });

  it("derives the VNet address spaces from the route tables' subnets, once per TTL", async () => {
    const { provider } = providerFor(fake);
    const cidrs = await provider.networkCidrs();
    expect(cidrs.map((c) => c.text)).toEqual(["10.0.0.0/16", "fd00:10::/56", "10.1.0.0/16"]);
    await provider.networkCidrs();
    expect(fake.calls("virtualNetworks.get")).toBe(2);
  });

  it("uses configured VNets when the route tables are not associated with subnets", async () => {
    fake.seedVirtualNetwork({ id: ids.hubVnet, addressPrefixes: ["10.0.0.0/16"] });
    fake.seedVirtualNetwork({ id: ids.spokeVnet, addressPrefixes: ["10.1.0.0/16"] });
    await expect(providerFor(fake).provider.networkCidrs()).rejects.toBeInstanceOf(ConfigError);
    const { provider } = providerFor(fake, { virtualNetworkIds: [ids.spokeVnet] });
    expect((await provider.networkCidrs()).map((c) => c.text)).toEqual(["10.1.0.0/16"]);
  });

  it("classifies ARM errors with the operation, the resource and the ARM code", async () => {
    const { provider, calls } = providerFor(fake, {
      routeTableIds: [`${ids.tableA.replace("vpn-rt-a", "missing")}`],
    });
    const missing = await provider.listTables().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(String(missing)).toMatch(
      /azure routeTables\.get net-rg\/missing failed \(ResourceNotFound\)/,
    );
    fake.injectFault({
      operation: "routeTables.get",
      effect: { status: 403, code: "AuthorizationFailed" },
    });
    const denied = await providerFor(fake)
      .provider.listTables()
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermanentError);
    expect(String(denied)).toContain("grant the controller's identity");
    expect(calls.calls).toEqual([{ operation: "routeTables.get", outcome: "error" }]);
  });

  it("turns a hung ARM request into a TransientError at the read deadline", async () => {
    fake.injectFault({ operation: "routeTables.get", times: 2, effect: { delayMs: 300 } });
    const { provider } = providerFor(fake, { requestTimeoutMs: 50 });
    const error = await provider.listTables().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(String(error)).toContain("azure routeTables.get");
  });

  it("refuses configuration it cannot work with", () => {
    expect(() => providerFor(fake, { clusterId: "Prod_1" })).toThrow(ConfigError);
    expect(() => providerFor(fake, { clusterId: "c".repeat(33) })).toThrow(/1-32 lower-case/);
    expect(() => providerFor(fake, { routeTableIds: ["rt-a"] })).toThrow(/not a route table id/);
    expect(() => providerFor(fake, { routeTableIds: [] })).toThrow(ConfigError);
  });
});
