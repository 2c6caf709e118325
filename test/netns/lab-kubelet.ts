import { ApiException, type CoreV1Api } from "@kubernetes/client-node";
import type { VpcNode } from "./vpc-topology.js";

/**
 * Creates the namespace's `default` ServiceAccount, which Pod admission requires and which the
 * controller-manager would create (the harness runs none); one already there is fine.
 */
export async function ensureDefaultServiceAccount(core: CoreV1Api): Promise<void> {
  try {
    await core.createNamespacedServiceAccount({
      namespace: "vpn",
      body: { metadata: { name: "default" } },
    });
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  }
}

/** The Pod's name for one incarnation of the VPN server. */
export const vpnPodName = (generation: number) => `openvpn-${generation}`;

/**
 * Writes what the kubelet reports for a started VPN Pod: the Pod bound to its node (there is no
 * scheduler in the harness), then its status with the Pod IP, phase Running and Ready.
 */
export async function reportPodReady(
  core: CoreV1Api,
  generation: number,
  node: VpcNode,
  ip: string,
  hostNetwork: boolean,
): Promise<void> {
  const name = vpnPodName(generation);
  await core.createNamespacedPod({
    namespace: "vpn",
    body: {
      metadata: { name, labels: { app: "openvpn" } },
      spec: {
        nodeName: node.name,
        hostNetwork,
        containers: [
          {
            name: "openvpn",
            image: "openvpn:lab",
            ports: [{ containerPort: 1194, protocol: "UDP" }],
          },
        ],
      },
    },
  });
  const pod = await core.readNamespacedPod({ namespace: "vpn", name });
  const now = new Date();
  pod.status = {
    phase: "Running",
    hostIP: node.ipv4,
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    conditions: [
      { type: "Ready", status: "True", lastTransitionTime: now },
      { type: "ContainersReady", status: "True", lastTransitionTime: now },
    ],
  };
  await core.replaceNamespacedPodStatus({ namespace: "vpn", name, body: pod });
}

/** Deletes the Pod object, as `kubectl delete pod` (or a drain) starts a Pod's termination. */
export async function deletePod(core: CoreV1Api, generation: number): Promise<void> {
  await core.deleteNamespacedPod({
    namespace: "vpn",
    name: vpnPodName(generation),
    gracePeriodSeconds: 0,
  });
}
