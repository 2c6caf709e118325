import { parseServiceAnnotations } from "../annotations/parse.js";
import type { Refusal } from "../domain/plan.js";
import type { EndpointInfo, ServiceIntent, ServiceKey } from "../domain/service.js";
import { type IgnoredSlice, ignoredSliceRefusal } from "../kube/slice-trust.js";
import { namespaceRefusal } from "../planner/policy.js";
import { readMasqueradeAnnotation } from "./masquerade-annotation.js";

/** One annotated Service with its endpoints, as the agent reads it from the informers. */
export interface AgentService {
  readonly key: ServiceKey;
  readonly namespace: string;
  readonly createdAt: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly endpoints: readonly EndpointInfo[];
  /** EndpointSlices left out of `endpoints` because an untrusted manager wrote them. */
  readonly ignoredSlices?: readonly IgnoredSlice[];
}

/** A Service as the informers keep it, before its endpoints are joined in. */
export type AgentServiceRecord = Omit<AgentService, "endpoints" | "ignoredSlices">;

/** Syntactically valid requests, the Services whose state must not change, and why. */
export interface AgentIntents {
  readonly intents: readonly ServiceIntent[];
  /** Per Service: its masquerade annotation, undefined when it did not set one. */
  readonly masquerade: ReadonlyMap<ServiceKey, boolean | undefined>;
  readonly frozen: readonly ServiceKey[];
  readonly refusals: readonly Refusal[];
}

/**
 * Reads every Service's request with the controller's own rules: the namespace allowlist, then
 * the shared annotation parser. The route-tables annotation is validated but ignored, since it
 * narrows cloud route tables and the kernel has only one main table.
 */
export function readAgentIntents(
  services: readonly AgentService[],
  settings: { readonly allowedNamespaces: readonly string[]; readonly maxCidrsPerService: number },
): AgentIntents {
  const intents: ServiceIntent[] = [];
  const masquerade = new Map<ServiceKey, boolean | undefined>();
  const frozen: ServiceKey[] = [];
  const refusals: Refusal[] = [];
  for (const service of services) {
    const outside = namespaceRefusal(service.key, service.namespace, settings.allowedNamespaces);
    if (outside !== undefined) {
      refusals.push(outside);
      frozen.push(service.key);
      continue;
    }
    const masq = readMasqueradeAnnotation(service.annotations);
    const parsed = parseServiceAnnotations(masq.rest, { maxCidrs: settings.maxCidrsPerService });
    const errors = [
      ...(parsed.kind === "invalid" ? parsed.errors : []),
      ...(masq.error === undefined ? [] : [masq.error]),
    ];
    if (errors.length > 0) {
      frozen.push(service.key);
      for (const message of errors)
        refusals.push({ service: service.key, reason: "InvalidAnnotation", message });
      continue;
    }
    if (parsed.kind !== "valid") continue;
    refusals.push(...(service.ignoredSlices ?? []).map(ignoredSliceRefusal));
    masquerade.set(service.key, masq.value);
    intents.push({
      key: service.key,
      createdAt: service.createdAt,
      cidrs: parsed.request.cidrs,
      routeTables: undefined,
      onNoEndpoint: parsed.request.onNoEndpoint,
      endpoints: service.endpoints,
    });
  }
  return { intents, masquerade, frozen, refusals };
}
