/**
 * Validation of a Route body on insert, after the v1 Route resource reference
 * (https://cloud.google.com/compute/docs/reference/rest/v1/routes#resource:-route) and the static
 * route parameters in https://cloud.google.com/vpc/docs/static-routes: name RFC 1035
 * `[a-z]([-a-z0-9]*[a-z0-9])?` up to 63 characters, priority 0..65535 (default 1000), destRange a
 * single IPv4 or IPv6 CIDR, exactly one next hop. Only the next hops the controller can meet are
 * accepted (instance, IP, default internet gateway); others answer 400 so a test notices.
 */
import { type Cidr, parseCidr, parseIp } from "../../../src/domain/cidr.js";
import type { FakeEnv } from "./env.js";
import { type ApiFailure, invalidField, notFound, requiredField } from "./google-errors.js";
import { isRecord, stringField } from "./http-io.js";
import { instancePath, networkPath, resolveReference } from "./resource-urls.js";

/** An insert body that passed validation, with references made canonical. */
export interface ValidRoute {
  readonly name: string;
  readonly network: string;
  readonly destRange: string;
  readonly priority: number;
  readonly nextHopInstance: string | undefined;
  readonly nextHopIp: string | undefined;
  readonly nextHopGateway: string | undefined;
  readonly description: string;
  readonly tags: readonly string[];
}

const namePattern = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const nextHopFields = [
  "nextHopInstance",
  "nextHopIp",
  "nextHopGateway",
  "nextHopIlb",
  "nextHopVpnTunnel",
  "nextHopNetwork",
  "nextHopHub",
  "nextHopInterconnectAttachment",
];
const defaultGateway = "global/gateways/default-internet-gateway";

function fail(failure: ApiFailure): never {
  throw failure;
}

/**
 * The subnet range (primary or secondary) of `network` that contains `dest`, if any: Compute
 * refuses a static route whose destination is equal to or more specific than a subnet route's
 * (https://cloud.google.com/vpc/docs/routes, "Interactions with subnet routes"; the error
 * wording is the fake's own).
 */
function coveringSubnetRange(
  env: FakeEnv,
  network: string,
  dest: Cidr,
): { name: string; range: string } | undefined {
  for (const subnet of env.state.subnetworks.values()) {
    if (subnet.network !== network) continue;
    const ranges = [subnet.ipCidrRange, ...subnet.secondaryIpRanges.map((r) => r.ipCidrRange)];
    for (const range of ranges) {
      const parsed = parseCidr(range);
      if (parsed.ok && contains(parsed.cidr, dest)) return { name: subnet.name, range };
    }
  }
  return undefined;
}

function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = BigInt((outer.family === 4 ? 32 : 128) - outer.prefix);
  return inner.network >> bits === outer.network >> bits;
}

/** Validates an insert body for `project`; throws the 400/404 the real API would answer. */
export function validateRoute(env: FakeEnv, project: string, body: unknown): ValidRoute {
  if (!isRecord(body)) fail(requiredField("resource"));
  const name = stringField(body, "name") ?? fail(requiredField("resource.name"));
  if (name.length > 63 || !namePattern.test(name)) {
    fail(
      invalidField(
        "resource.name",
        name,
        "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'",
      ),
    );
  }
  const networkRef = stringField(body, "network") ?? fail(requiredField("resource.network"));
  const network =
    resolveReference(networkRef, project, networkPath) ??
    fail(invalidField("resource.network", networkRef, "Must be a network URL."));
  if (!env.state.networks.has(network)) fail(notFound(network));
  const destText = stringField(body, "destRange") ?? fail(requiredField("resource.destRange"));
  const dest = parseCidr(destText);
  if (!dest.ok)
    fail(
      invalidField("resource.destRange", destText, "Must be a valid CIDR range in canonical form."),
    );
  const subnet = coveringSubnetRange(env, network, dest.cidr);
  if (subnet) {
    fail(
      invalidField(
        "resource.destRange",
        destText,
        `The destination range is equal to or more specific than the range ${subnet.range} of subnetwork ${subnet.name}; static routes may not override subnet routes.`,
      ),
    );
  }
  const priority = body.priority ?? 1000;
  if (
    typeof priority !== "number" ||
    !Number.isInteger(priority) ||
    priority < 0 ||
    priority > 65535
  ) {
    fail(invalidField("resource.priority", priority, "Must be an integer between 0 and 65535."));
  }
  const hops = nextHopFields.filter((field) => body[field] !== undefined && body[field] !== "");
  if (hops.length !== 1) {
    fail(
      invalidField(
        "resource.nextHop",
        hops.join(",") || "<none>",
        "Exactly one next hop must be specified.",
      ),
    );
  }
  const instanceRef = stringField(body, "nextHopInstance") || undefined;
  const nextHopInstance =
    instanceRef === undefined
      ? undefined
      : (resolveReference(instanceRef, project, instancePath) ??
        fail(invalidField("resource.nextHopInstance", instanceRef, "Must be an instance URL.")));
  const nextHopIp = stringField(body, "nextHopIp") || undefined;
  if (nextHopIp !== undefined && parseIp(nextHopIp)?.family !== dest.cidr.family) {
    fail(
      invalidField("resource.nextHopIp", nextHopIp, `Must be an IPv${dest.cidr.family} address.`),
    );
  }
  const gatewayRef = stringField(body, "nextHopGateway") || undefined;
  const nextHopGateway =
    gatewayRef === undefined
      ? undefined
      : (resolveReference(gatewayRef, project, /\/global\/gateways\/default-internet-gateway$/) ??
        fail(invalidField("resource.nextHopGateway", gatewayRef, `Must be ${defaultGateway}.`)));
  if (nextHopInstance === undefined && nextHopIp === undefined && nextHopGateway === undefined) {
    fail(
      invalidField(
        "resource.nextHop",
        hops.join(","),
        "This next hop type is not supported by the fake.",
      ),
    );
  }
  const description = stringField(body, "description") ?? "";
  if (description.length > 2048) fail(invalidField("resource.description", "...", "Too long."));
  const tags = Array.isArray(body.tags)
    ? body.tags.filter((t): t is string => typeof t === "string")
    : [];
  return {
    name,
    network,
    destRange: dest.cidr.text,
    priority,
    nextHopInstance,
    nextHopIp,
    nextHopGateway,
    description,
    tags,
  };
}
