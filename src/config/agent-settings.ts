import { agentDefaults, agentModes } from "../agent/options.js";
import { dns1123Subdomain } from "./patterns.js";
import { defineSetting, switchHelp } from "./setting.js";
import { booleanValue, integer, oneOf, show, stringValue } from "./values.js";

function checkNodeName(text: string): string | undefined {
  return dns1123Subdomain.test(text)
    ? undefined
    : `${show(text)} is not a valid node name; pass spec.nodeName through the Downward API (env NODE_NAME)`;
}

/** Settings only the node agent (`vpc-route-sync agent`) reads. */
export const agentSettings = {
  nodeName: defineSetting({
    flag: "node-name",
    file: undefined,
    placeholder: "<name>",
    group: "Agent",
    help: "Name of the node this agent runs on, compared with EndpointSlice nodeName. Default: NODE_NAME (set it from spec.nodeName with the Downward API). Required.",
    parser: stringValue(checkNodeName),
    ambientEnv: ["NODE_NAME"],
    commands: ["agent"],
  }),
  agentMode: defineSetting({
    flag: "agent-mode",
    file: "agent.mode",
    placeholder: "<mode>",
    group: "Agent",
    help: `fallback: every node routes the VPN CIDRs to the hosting node, which hands them to the Pod (no cloud route table: kubenet, bare metal); hop: only the hosting node routes them to the Pod (VPC routes already point at it). Default: ${agentDefaults.mode}.`,
    parser: oneOf(agentModes),
    commands: ["agent"],
  }),
  agentMasquerade: defineSetting({
    flag: "agent-masquerade",
    file: "agent.masquerade",
    placeholder: "[bool]",
    group: "Agent",
    help: switchHelp(
      "MASQUERADE traffic to the VPN CIDRs leaving this node, unless a Service's vpc-route-sync.io/masquerade says otherwise (answers come back when pod addresses are not routable from the VPN, as on GKE).",
      agentDefaults.masquerade,
    ),
    parser: booleanValue,
    negatable: true,
    commands: ["agent"],
  }),
  agentRouteProtocol: defineSetting({
    flag: "agent-route-protocol",
    file: "agent.routeProtocol",
    placeholder: "<n>",
    group: "Agent",
    help: `Route protocol number marking the routes the agent owns; it deletes only routes carrying it. Default: ${agentDefaults.routeProtocol}.`,
    parser: integer(5, 255),
    commands: ["agent"],
  }),
} as const;

/** Controller settings the agent shares, so both refuse exactly the same requests. */
export const agentSharedSettings: ReadonlySet<string> = new Set([
  "config",
  "kubeconfig",
  "allowed-cidrs",
  "allowed-namespaces",
  "min-prefix-length",
  "min-prefix-length-v6",
  "cluster-cidrs",
  "trusted-endpoint-slice-managers",
  "max-cidrs-per-service",
  "resync-interval",
  "http-address",
  "log-level",
  "log-pretty",
]);
