import type { IpFamily } from "../domain/cidr.js";
import type { CommandRunner } from "./command-runner.js";
import {
  type KernelRoute,
  parseRouteGet,
  parseRouteList,
  type RouteLookup,
} from "./kernel-route.js";

/** A route the agent wants in the main table; `dev` + `onlink` only for the hop to a Pod. */
export interface RouteSpec {
  readonly family: IpFamily;
  readonly dst: string;
  readonly gateway: string;
  readonly dev: string | undefined;
  readonly onlink: boolean;
}

const familyFlag = (family: IpFamily): string => (family === 4 ? "-4" : "-6");

/**
 * The agent's only access to the kernel routing table, through `ip` (iproute2). Every write
 * carries the agent's protocol number, and every delete names it too, so the kernel itself
 * refuses to delete a route that is not ours.
 */
export class IpRoutes {
  private readonly run: CommandRunner;
  private readonly protocol: number;

  constructor(run: CommandRunner, protocol: number) {
    this.run = run;
    this.protocol = protocol;
  }

  /** Every route of one family in the main table, ours and everyone else's. */
  async list(family: IpFamily): Promise<KernelRoute[]> {
    const { stdout } = await this.run("ip", [
      "-N",
      "-d",
      "-json",
      familyFlag(family),
      "route",
      "show",
      "table",
      "main",
    ]);
    return parseRouteList(stdout, family);
  }

  /** Installs or atomically changes our route for `spec.dst` (no window without a route). */
  async replace(spec: RouteSpec): Promise<void> {
    const args = [familyFlag(spec.family), "route", "replace", spec.dst, "via", spec.gateway];
    if (spec.dev !== undefined) args.push("dev", spec.dev);
    if (spec.onlink) args.push("onlink");
    args.push("table", "main", "proto", String(this.protocol));
    await this.run("ip", args);
  }

  /** Deletes exactly one of our routes; the protocol in the request makes the kernel check it. */
  async remove(route: KernelRoute): Promise<void> {
    const args = [familyFlag(route.family), "route", "del", route.dst, "table", "main"];
    args.push("proto", String(this.protocol), "metric", String(route.metric));
    if (!route.multipath && route.gateway !== undefined) args.push("via", route.gateway);
    if (!route.multipath && route.dev !== undefined) args.push("dev", route.dev);
    await this.run("ip", args);
  }

  /** Where the kernel sends packets for `address`: finds the interface of a Pod on this node. */
  async lookup(family: IpFamily, address: string): Promise<RouteLookup> {
    const { stdout } = await this.run("ip", ["-json", familyFlag(family), "route", "get", address]);
    return parseRouteGet(stdout);
  }
}
