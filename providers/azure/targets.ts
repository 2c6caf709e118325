import type { Clock } from "../../src/clock.js";
import { formatIp, type IpFamily, parseIp } from "../../src/domain/cidr.js";
import type { NodeInfo } from "../../src/domain/service.js";
import { errorMessage, isThrottled, PermanentError, TransientError } from "../../src/errors.js";
import { LookupCache } from "../lookup-cache.js";
import type { ForwardingStatus, ResolvedTarget } from "../types.js";
import { canonicalIp } from "./naming.js";
import type { AzureNetworkInterface, AzurePort } from "./port.js";
import { type MachineRef, parseNetworkInterfaceId, parseProviderId } from "./resource-id.js";

/** Runs one port call with metrics and error classification (the provider's `call`). */
export type CallRunner = <T>(
  operation: string,
  resource: string,
  fn: () => Promise<T>,
) => Promise<T>;

interface Lookup {
  readonly forwarding: ForwardingStatus;
  readonly nicName: string | undefined;
}

/** The status to report when a NIC's forwarding could not be checked. */
function unknownLookup(node: NodeInfo, error: unknown): Lookup {
  const message = `could not check IP forwarding for node ${node.name}: ${errorMessage(error)}`;
  return { forwarding: { state: "unknown", message }, nicName: undefined };
}

/**
 * Maps a node to its VirtualAppliance next hop (its InternalIP of the CIDR's family) and checks
 * that the NIC holding that IP has IP forwarding on, via the VM (or scale set instance) named by
 * `spec.providerID`. Lookups are cached for `cacheTtlMs` and shared while in flight, so steady
 * state makes no calls; throttled or transient failures are not cached.
 */
export class TargetResolver {
  private readonly cache: LookupCache<Lookup>;
  private readonly port: AzurePort;
  private readonly call: CallRunner;

  constructor(port: AzurePort, call: CallRunner, clock: Clock, cacheTtlMs: number) {
    this.port = port;
    this.call = call;
    this.cache = new LookupCache<Lookup>(clock, cacheTtlMs);
  }

  /** The target for CIDRs of `family` on `node`. */
  async resolve(node: NodeInfo, family: IpFamily): Promise<ResolvedTarget> {
    const ip = node.internalIps.map((a) => parseIp(a)).find((p) => p?.family === family);
    if (!ip) {
      const has = node.internalIps.join(", ") || "none";
      throw new PermanentError(
        `node ${node.name} has no IPv${family} InternalIP (has ${has}); IPv${family} routes need a node address of that family (a dual-stack node pool)`,
      );
    }
    const address = formatIp(ip.family, ip.value);
    const { forwarding, nicName } = await this.lookup(node, address);
    const nic = nicName === undefined ? "" : `, NIC ${nicName}`;
    const description = `${address} (node ${node.name}${nic})`;
    return { id: address, nodeName: node.name, description, forwarding };
  }

  /**
   * The forwarding status of the node's NIC. A permanent failure is remembered for the TTL as
   * "unknown"; a throttled or transient one is not cached, so the next pass asks again.
   */
  private async lookup(node: NodeInfo, address: string): Promise<Lookup> {
    const key = `${node.name}|${node.providerId ?? ""}|${address}`;
    try {
      return await this.cache.get(key, async () => {
        try {
          return await this.check(node, address);
        } catch (error) {
          if (isThrottled(error) || error instanceof TransientError) throw error;
          return unknownLookup(node, error);
        }
      });
    } catch (error) {
      return unknownLookup(node, error);
    }
  }

  private async check(node: NodeInfo, address: string): Promise<Lookup> {
    const machine = parseProviderId(node.providerId);
    if (!machine) {
      const message = `node ${node.name} has no Azure providerID (${node.providerId ?? "unset"}), so IP forwarding on its NIC cannot be checked`;
      return { forwarding: { state: "unknown", message }, nicName: undefined };
    }
    const nics = await this.nicsOf(machine);
    const nic = nics.find((n) => n.privateIpAddresses.some((a) => canonicalIp(a) === address));
    if (!nic) {
      const message = `no NIC of node ${node.name} (${node.providerId}) holds ${address}, so IP forwarding cannot be checked`;
      return { forwarding: { state: "unknown", message }, nicName: undefined };
    }
    if (nic.enableIPForwarding) return { forwarding: { state: "enabled" }, nicName: nic.name };
    const message = `IP forwarding is disabled on NIC ${nic.name} of node ${node.name} (${address}), so Azure drops what the routes send there; enable it on the NIC (az network nic update --ids ${nic.id} --ip-forwarding true) or in the node pool's scale set network profile`;
    return { forwarding: { state: "disabled", message }, nicName: nic.name };
  }

  private async nicsOf(machine: MachineRef): Promise<readonly AzureNetworkInterface[]> {
    if (machine.kind === "vmss") {
      const operation = "networkInterfaces.listVirtualMachineScaleSetVMNetworkInterfaces";
      const resource = `${machine.scaleSet}/${machine.instanceId}`;
      return this.call(operation, resource, () =>
        this.port.listScaleSetInstanceNetworkInterfaces(machine),
      );
    }
    const ids = await this.call("virtualMachines.get", machine.name, () =>
      this.port.getVirtualMachineNicIds(machine),
    );
    const refs = ids.flatMap((id) => parseNetworkInterfaceId(id) ?? []);
    return Promise.all(
      refs.map((ref) =>
        this.call("networkInterfaces.get", ref.name, () => this.port.getNetworkInterface(ref)),
      ),
    );
  }
}
