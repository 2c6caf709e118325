import type { NetworkManagementClient } from "@azure/arm-network";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAzure } from "./fake-azure.js";
import { fakeNetworkClient, fakeResourcesClient, sendRaw } from "./sdk-client.js";

const sub = "00000000-0000-0000-0000-000000000003";
const node = `/subscriptions/${sub}/resourceGroups/mc-rg`;
const tableId = `/subscriptions/${sub}/resourceGroups/net-rg/providers/Microsoft.Network/routeTables/vpn-rt`;
const vnetId = `/subscriptions/${sub}/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/vnet1`;
const vmId = `${node}/providers/Microsoft.Compute/virtualMachines/node-0`;
const nicId = `${node}/providers/Microsoft.Network/networkInterfaces/node-0-nic`;
const vmssVmId = `${node}/providers/Microsoft.Compute/virtualMachineScaleSets/pool1/virtualMachines/3`;
const vmssNicId = `${vmssVmId}/networkInterfaces/pool1-nic`;

let fake: FakeAzure;
let client: NetworkManagementClient;

beforeAll(async () => {
  fake = await FakeAzure.start();
  client = fakeNetworkClient(fake, sub);
  fake.seedRouteTable({ id: tableId });
  fake.seedVirtualNetwork({
    id: vnetId,
    addressPrefixes: ["10.0.0.0/16", "fd00:10::/56"],
    subnets: [{ name: "nodes", addressPrefix: "10.0.0.0/20", routeTableId: tableId }],
  });
  fake.seedVirtualMachine({ id: vmId, networkInterfaceIds: [nicId] });
  fake.seedNetworkInterface({
    id: nicId,
    enableIPForwarding: true,
    virtualMachineId: vmId,
    ipConfigurations: [{ privateIPAddress: "10.0.0.4" }, { privateIPAddress: "fd00:10::4" }],
  });
  fake.seedNetworkInterface({
    id: vmssNicId,
    enableIPForwarding: false,
    virtualMachineId: vmssVmId,
    ipConfigurations: [{ privateIPAddress: "10.0.1.7" }],
  });
});
afterAll(() => fake.close());

describe("fake ARM network interfaces, VMs and VNets through the real SDK", () => {
  it("returns a NIC with its forwarding flag, private IPs of both families and VM link", async () => {
    const nic = await client.networkInterfaces.get("mc-rg", "node-0-nic");
    expect(nic).toMatchObject({
      id: nicId,
      enableIPForwarding: true,
      virtualMachine: { id: vmId },
    });
    expect(
      nic.ipConfigurations?.map((c) => [c.privateIPAddress, c.privateIPAddressVersion, c.primary]),
    ).toEqual([
      ["10.0.0.4", "IPv4", true],
      ["fd00:10::4", "IPv6", false],
    ]);
  });

  it("lists the NICs of one scale set instance with the VMSS api-version", async () => {
    const nics = [];
    for await (const nic of client.networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces(
      "mc-rg",
      "pool1",
      "3",
    )) {
      nics.push(nic);
    }
    expect(nics).toEqual([expect.objectContaining({ id: vmssNicId, enableIPForwarding: false })]);
    expect(fake.callLog().at(-1)).toMatchObject({
      operation: "networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces",
      apiVersion: "2018-10-01",
    });
  });

  it("returns a VM's network profile from Microsoft.Compute", async () => {
    const vm = await sendRaw(client, "GET", `${fake.endpoint}${vmId}?api-version=2024-07-01`);
    expect(vm.status).toBe(200);
    expect(vm.body).toMatchObject({
      id: vmId,
      type: "Microsoft.Compute/virtualMachines",
      properties: {
        networkProfile: { networkInterfaces: [{ id: nicId, properties: { primary: true } }] },
      },
    });
    const missing = await sendRaw(
      client,
      "GET",
      `${fake.endpoint}${node}/providers/Microsoft.Compute/virtualMachines/gone?api-version=2024-07-01`,
    );
    expect(missing).toMatchObject({ status: 404, body: { error: { code: "ResourceNotFound" } } });
  });

  it("returns the VNet address space and shows its subnet on the associated route table", async () => {
    const vnet = await client.virtualNetworks.get("net-rg", "vnet1");
    expect(vnet.addressSpace?.addressPrefixes).toEqual(["10.0.0.0/16", "fd00:10::/56"]);
    expect(vnet.subnets?.[0]).toMatchObject({ name: "nodes", routeTable: { id: tableId } });
    const table = await client.routeTables.get("net-rg", "vpn-rt");
    expect(table.subnets?.map((s) => s.id)).toEqual([`${vnetId}/subnets/nodes`]);
  });

  it("merges, deletes and replaces tags through the Tags API and enforces Azure's tag rules", async () => {
    const tags = fakeResourcesClient(fake, sub).tagsOperations;
    const scope = tableId.slice(1);
    const patch = (operation: "Merge" | "Delete" | "Replace", set: Record<string, string>) =>
      tags.beginUpdateAtScopeAndWait(scope, { operation, properties: { tags: set } });
    await patch("Replace", { other: "keep" });
    const merged = await patch("Merge", { "vrs-c1-10-8-0-0-24": "vpn/openvpn" });
    expect(merged.properties?.tags).toEqual({ other: "keep", "vrs-c1-10-8-0-0-24": "vpn/openvpn" });
    await patch("Merge", { OTHER: "changed" });
    await patch("Delete", { "VRS-C1-10-8-0-0-24": "not/its-value" });
    const table = await client.routeTables.get("net-rg", "vpn-rt");
    expect(table.tags).toEqual({ other: "changed", "vrs-c1-10-8-0-0-24": "vpn/openvpn" });
    await patch("Delete", { "vrs-c1-10-8-0-0-24": "vpn/openvpn" });
    expect((await client.routeTables.get("net-rg", "vpn-rt")).tags).toEqual({ other: "changed" });
    await expect(patch("Merge", { "a/b": "x" })).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidTagNameCharacters",
    });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, "v"]));
    await expect(patch("Merge", many)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidTagCount",
    });
    await expect(patch("Merge", { k: "v".repeat(257) })).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidTagValueLength",
    });
    expect((await client.routeTables.get("net-rg", "vpn-rt")).tags).toEqual({ other: "changed" });
    await patch("Replace", {});
  });
});
