import { type AgentOptions, agentDefaults } from "../agent/options.js";
import { defaults } from "./defaults.js";
import { type LoadConfigInput, openSources } from "./load.js";
import { readPolicyConfig } from "./policy-config.js";
import { toConfigError } from "./problems.js";
import { settings } from "./settings.js";

/**
 * The agent's counterpart of `loadConfig`: the same sources, precedence and policy checks (so the
 * agent refuses exactly what the controller refuses), plus the agent-only settings.
 */
export function loadAgentOptions(input: LoadConfigInput): AgentOptions {
  const { problems, reader } = openSources(input);
  const nodeName = reader.require(
    settings.nodeName,
    "set NODE_NAME from spec.nodeName with the Downward API",
  )?.value;
  const policy = readPolicyConfig(reader, problems);
  const options = {
    nodeName,
    mode: reader.read(settings.agentMode)?.value ?? agentDefaults.mode,
    masquerade: reader.read(settings.agentMasquerade)?.value ?? agentDefaults.masquerade,
    routeProtocol: reader.read(settings.agentRouteProtocol)?.value ?? agentDefaults.routeProtocol,
    allowedCidrs: policy.allowedCidrs,
    allowedNamespaces: policy.allowedNamespaces,
    minPrefixLength: policy.minPrefixLength,
    clusterCidrs: policy.clusterCidrs,
    trustedEndpointSliceManagers: policy.trustedEndpointSliceManagers,
    maxCidrsPerService:
      reader.read(settings.maxCidrsPerService)?.value ?? defaults.maxCidrsPerService,
    resyncIntervalMs: reader.read(settings.resyncInterval)?.value ?? agentDefaults.resyncIntervalMs,
    kubeconfig: reader.read(settings.kubeconfig)?.value,
    http: reader.read(settings.httpAddress)?.value ?? { ...agentDefaults.http },
    log: {
      level: reader.read(settings.logLevel)?.value ?? defaults.logLevel,
      pretty: reader.read(settings.logPretty)?.value ?? defaults.logPretty,
    },
  };
  const { nodeName: name, allowedCidrs, allowedNamespaces } = options;
  if (
    problems.lines.length > 0 ||
    name === undefined ||
    allowedCidrs === undefined ||
    allowedNamespaces === undefined
  ) {
    throw toConfigError(problems);
  }
  return { ...options, nodeName: name, allowedCidrs, allowedNamespaces };
}
