import { waitFor } from "../harness/resilience-processes.js";
import { routeWrites } from "./lab-control.js";
import { VpnPod } from "./lab-vpn-pod.js";
import type { LabWorld } from "./lab-world.js";
import type { VpcNode } from "./vpc-topology.js";

/** One move of the VPN Pod as the lab saw it: wall-clock times (epoch ms) and derived parts. */
export interface MoveTimeline {
  readonly move: number;
  readonly from: string;
  readonly to: string;
  /** The old server got SIGTERM (its Pod was deleted); the new one was already listening. */
  readonly oldStoppedAt: number;
  /** The new Pod's EndpointSlice was written. */
  readonly sliceWrittenAt: number;
  readonly lastOkAt: number;
  readonly vpnReconnectedAt: number;
  /** The controller's last route write for this move (all route tables target the new ENI). */
  readonly routeTableChangedAt: number;
  /** The router's last kernel change for this move (all its tables use the new node). */
  readonly vpcRouterChangedAt: number;
  readonly hopRouteAt: number | undefined;
  readonly firstOkAt: number;
  readonly parts: {
    readonly interruptionMs: number;
    readonly vpnReconnectMs: number;
    readonly sliceToRouteTableMs: number;
    readonly routeTableToRouterMs: number;
    readonly sliceToHopMs: number | undefined;
  };
}

const latest = (times: readonly number[]) => (times.length === 0 ? undefined : Math.max(...times));

/**
 * Reschedules the VPN Pod to `to` as Kubernetes does: the new Pod starts and its server listens,
 * the load balancer sends to it, then the old Pod is deleted: its server gets SIGTERM (and tells
 * its clients to reconnect) while the EndpointSlice is rewritten to name the new Pod.
 */
export async function rescheduleVpnPod(
  world: LabWorld,
  to: VpcNode,
  generation: number,
): Promise<{ from: VpnPod; oldStoppedAt: number; sliceWrittenAt: number }> {
  const from = world.vpn;
  const next = await VpnPod.start(world, to, generation);
  await next.attachLoadBalancer();
  const oldStoppedAt = Date.now();
  const stopped = from.stop();
  const sliceWrittenAt = Date.now();
  await next.publishEndpoint();
  world.vpn = next;
  await stopped;
  return { from, oldStoppedAt, sliceWrittenAt };
}

/**
 * Moves the VPN Pod to `to`, then waits until the proxy's requests are answered again and every
 * part of the path has moved, and returns the timeline. Throws when any part does not follow
 * within 30 s.
 */
export async function moveVpnPod(
  world: LabWorld,
  to: VpcNode,
  move: number,
): Promise<MoveTimeline> {
  const { from: old, oldStoppedAt, sliceWrittenAt } = await rescheduleVpnPod(world, to, move);
  const firstOk = await world.proxy.firstOkAfter(oldStoppedAt);
  const lastOkAt = world.proxy.lastOkBefore(firstOk.at)?.at ?? oldStoppedAt;
  const vpnReconnectedAt = await world.client.connectedAfter(oldStoppedAt);
  const routeTableChangedAt = await waitFor(
    "every route table targets the new node's ENI",
    async () => {
      const controller = world.controller;
      if (controller === undefined) return undefined;
      const writes = (await routeWrites(controller)).filter(
        (w) => w.at >= sliceWrittenAt && w.target === to.eniId,
      );
      const tables = new Set(writes.map((w) => w.table));
      return world.nodes.every((n) => tables.has(n.routeTableId))
        ? latest(writes.map((w) => w.at))
        : undefined;
    },
    30_000,
    50,
  );
  const vpcRouterChangedAt = await waitFor(
    "the VPC router sends the VPN CIDR to the new node",
    () => {
      const changes = world.router.changes.filter(
        (c) => c.at >= sliceWrittenAt && c.via === to.ipv4,
      );
      const tables = new Set(changes.map((c) => c.table));
      return world.nodes.every((n) => tables.has(n.routeTableId))
        ? latest(changes.map((c) => c.at))
        : undefined;
    },
    30_000,
    50,
  );
  const hopRouteAt =
    world.options.hostNetwork === true
      ? undefined
      : await waitFor(
          "the new node's agent adds the hop to the Pod",
          () =>
            world.kernelRoutes.find(
              (r) =>
                r.node === to.name &&
                r.at >= sliceWrittenAt &&
                r.line.startsWith(`10.8.0.0/24 via ${world.vpn.ip} `),
            )?.at,
          30_000,
          50,
        );
  return {
    move,
    from: old.node.name,
    to: to.name,
    oldStoppedAt,
    sliceWrittenAt,
    lastOkAt,
    vpnReconnectedAt,
    routeTableChangedAt,
    vpcRouterChangedAt,
    hopRouteAt,
    firstOkAt: firstOk.at,
    parts: {
      interruptionMs: firstOk.at - lastOkAt,
      vpnReconnectMs: vpnReconnectedAt - oldStoppedAt,
      sliceToRouteTableMs: routeTableChangedAt - sliceWrittenAt,
      routeTableToRouterMs: vpcRouterChangedAt - routeTableChangedAt,
      sliceToHopMs: hopRouteAt === undefined ? undefined : hopRouteAt - sliceWrittenAt,
    },
  };
}
