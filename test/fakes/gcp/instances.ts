/**
 * instances.get, following https://cloud.google.com/compute/docs/reference/rest/v1/instances/get
 * (GET `/compute/v1/projects/{project}/zones/{zone}/instances/{instance}`), with the fields a
 * route next hop depends on: `canIpForward`, `networkInterfaces[].network` / `networkIP` /
 * `ipv6Address` / `stackType`, `selfLink`, `zone`, `status`.
 */
import { type Handler, param } from "./env.js";
import { notFound } from "./google-errors.js";
import { rfc3339, selfLink } from "./resource-urls.js";
import type { InstanceRecord } from "./state.js";

/** The Instance resource as JSON (`compute#instance`), reduced to networking fields. */
export function instanceJson(instance: InstanceRecord): Record<string, unknown> {
  const project = instance.path.split("/")[1] ?? "";
  return {
    kind: "compute#instance",
    id: instance.id,
    creationTimestamp: rfc3339(instance.createdAt),
    name: instance.name,
    machineType: selfLink(`projects/${project}/zones/${instance.zone}/machineTypes/e2-medium`),
    status: instance.status,
    zone: selfLink(`projects/${project}/zones/${instance.zone}`),
    canIpForward: instance.canIpForward,
    networkInterfaces: instance.networkInterfaces.map((nic) => ({
      kind: "compute#networkInterface",
      name: nic.name,
      network: selfLink(nic.network),
      ...(nic.subnetwork ? { subnetwork: selfLink(nic.subnetwork) } : {}),
      networkIP: nic.networkIP,
      stackType: nic.ipv6Address === undefined ? "IPV4_ONLY" : "IPV4_IPV6",
      ...(nic.ipv6Address === undefined
        ? {}
        : { ipv6Address: nic.ipv6Address, internalIpv6PrefixLength: 96 }),
      fingerprint: Buffer.from(`${instance.id}:${nic.name}`).toString("base64"),
    })),
    selfLink: selfLink(instance.path),
  };
}

/** instances.get. */
export const getInstance: Handler = (env, request) => {
  const path = `projects/${param(request, "project")}/zones/${param(request, "zone")}/instances/${param(request, "instance")}`;
  const instance = env.state.instances.get(path);
  if (!instance) throw notFound(path);
  return instanceJson(instance);
};
