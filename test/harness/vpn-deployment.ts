import type { V1Deployment, V1Toleration } from "@kubernetes/client-node";

/** The node label a scenario's Deployments select, so scenarios never share Nodes. */
export const poolLabel = "vpc-route-sync.io/test-pool";

/** The VPN server as the story tests deploy it. */
export interface VpnDeploymentSpec {
  readonly namespace: string;
  readonly name: string;
  readonly pool: string;
  readonly replicas: number;
  /** Seconds kwok keeps a deleted Pod Terminating, as a kubelet waits for the container. */
  readonly gracePeriodSeconds?: number;
  /** Rolling update with a surge (the default) or without (`maxSurge: 0, maxUnavailable: 1`). */
  readonly surge?: boolean;
  /** Seconds a Pod stays bound to an unreachable / not-ready Node before it is evicted. */
  readonly tolerationSeconds?: number;
  /** At most one Pod per Node (required anti-affinity), as an HA VPN server is often deployed. */
  readonly onePerNode?: boolean;
}

/** The Deployment object: Pods labelled `app=<name>`, pinned to the pool's Nodes. */
export function vpnDeployment(spec: VpnDeploymentSpec): V1Deployment {
  const tolerations: V1Toleration[] =
    spec.tolerationSeconds === undefined
      ? []
      : ["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"].map((key) => ({
          key,
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: spec.tolerationSeconds,
        }));
  return {
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: { app: spec.name } },
      strategy: {
        type: "RollingUpdate",
        rollingUpdate:
          spec.surge === false
            ? { maxSurge: 0, maxUnavailable: 1 }
            : { maxSurge: 1, maxUnavailable: 0 },
      },
      template: {
        metadata: { labels: { app: spec.name } },
        spec: {
          nodeSelector: { [poolLabel]: spec.pool },
          ...(spec.onePerNode
            ? {
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      {
                        labelSelector: { matchLabels: { app: spec.name } },
                        topologyKey: "kubernetes.io/hostname",
                      },
                    ],
                  },
                },
              }
            : {}),
          terminationGracePeriodSeconds: spec.gracePeriodSeconds ?? 1,
          tolerations,
          containers: [{ name: "vpn", image: "registry.invalid/vpn-server:test" }],
        },
      },
    },
  };
}
