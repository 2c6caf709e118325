import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { loadAgentOptions } from "./agent.js";

const base = { allowedCidrs: "10.8.0.0/16", allowedNamespaces: "vpn" };
const load = (options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  loadAgentOptions({ options, env });

describe("loadAgentOptions", () => {
  it("takes the node name from NODE_NAME and applies the agent defaults", () => {
    const options = load(base, { NODE_NAME: "node-a" });
    expect(options).toMatchObject({
      nodeName: "node-a",
      mode: "fallback",
      masquerade: false,
      routeProtocol: 201,
      resyncIntervalMs: 30_000,
      http: { host: "127.0.0.1", port: 9402 },
    });
    expect(options.allowedCidrs.map((c) => c.text)).toEqual(["10.8.0.0/16"]);
  });

  it("serves metrics and probes on loopback unless told otherwise, not to the whole VPC", () => {
    // The agent runs in the host network: 0.0.0.0 would expose it on every node address.
    expect(load(base, { NODE_NAME: "node-a" }).http.host).toBe("127.0.0.1");
    const nodeIp = load({ ...base, httpAddress: "10.0.1.5:9402" }, { NODE_NAME: "node-a" });
    expect(nodeIp.http).toEqual({ host: "10.0.1.5", port: 9402 });
  });

  it("reads the agent flags", () => {
    const options = load({
      ...base,
      nodeName: "n1",
      agentMode: "hop",
      agentMasquerade: "true",
      agentRouteProtocol: "202",
    });
    expect(options).toMatchObject({
      nodeName: "n1",
      mode: "hop",
      masquerade: true,
      routeProtocol: 202,
    });
  });

  it("lists every problem at once, naming the flag and the fix", () => {
    try {
      load({ agentMode: "tunnel", allowedCidrs: "10.8.0.1/24" });
      expect.unreachable("loadAgentOptions accepted bad input");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain("--node-name (VRS_NODE_NAME");
      expect(message).toContain("NODE_NAME");
      expect(message).toContain("--agent-mode (VRS_AGENT_MODE)");
      expect(message).toContain("did you mean 10.8.0.0/24?");
      expect(message).toContain("--allowed-namespaces");
    }
  });
});
