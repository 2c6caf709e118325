import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, inject, it } from "vitest";
import { AwsScenario } from "../harness/aws-scenario.js";
import { findFreePort } from "../harness/ports.js";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "..", "dist", "src", "main.js");
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Turns scenario options into command-line flags for a separate process. */
function flags(options: Record<string, unknown>): string[] {
  return Object.entries(options).flatMap(([key, value]) => [
    `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}=${String(value)}`,
  ]);
}

const env = { ...process.env, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(name) && !l.includes('result="error"'))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

describe("vpc-route-sync CLI against LocalStack + kube-apiserver", () => {
  it("plan prints the drift as JSON, exits 2, and writes nothing; exits 0 once in sync", async () => {
    const s = await new AwsScenario(
      `cli-plan-${process.pid % 1000}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ).setUp();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    const {
      leaderElectLeaseDuration: _a,
      leaderElectRenewDeadline: _b,
      leaderElectRetryPeriod: _c,
      resyncInterval: _d,
      leaderElectNamespace: _e,
      leaderElectLeaseName: _f,
      httpAddress: _g,
      ...planOptions
    } = s.options();
    const drift = await run(
      process.execPath,
      [main, "plan", "--output=json", ...flags(planOptions)],
      { env },
    ).catch((e: { code: number; stdout: string }) => e);
    expect("code" in drift ? drift.code : 0).toBe(2);
    const parsed = JSON.parse(drift.stdout) as {
      actions: { action: string; desiredTarget: string }[];
    };
    expect(parsed.actions.map((a) => [a.action, a.desiredTarget])).toEqual(
      s.vpc.routeTableIds.map(() => ["create", s.node(0).eniId]),
    );
    expect(await s.routes()).toEqual([undefined, undefined, undefined]);
    const c = await s.startController();
    await s.routesConverge(s.node(0).eniId);
    await c.running.stop();
    const table = await run(process.execPath, [main, "plan", ...flags(planOptions)], { env });
    expect(table.stdout).toContain("In sync");
  });

  it("with two controller processes only the leader writes, and the standby takes over after SIGKILL", async () => {
    const s = await new AwsScenario(
      `cli-ha-${process.pid % 1000}`,
      inject("localstackEndpoint"),
      inject("kubeconfigPath"),
    ).setUp();
    await s.objects.createService(s.namespace, "openvpn", {
      "vpc-route-sync.io/cidrs": "10.8.0.0/24",
    });
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(0).name, address: "10.244.0.5" },
    ]);
    const ports = [await findFreePort(), await findFreePort()];
    const procs = ports.map((port, i) => {
      const child = spawn(
        process.execPath,
        [
          main,
          "controller",
          ...flags(
            s.options({
              httpAddress: `127.0.0.1:${port}`,
              leaderElectIdentity: `replica-${i}`,
              logLevel: "warn",
            }),
          ),
        ],
        { env, stdio: ["ignore", "ignore", "inherit"] },
      );
      children.push(child);
      return { child, port };
    });
    await s.routesConverge(s.node(0).eniId, "10.8.0.0/24", 30_000);
    for (const p of procs) {
      await s.eventually(
        async () =>
          (await fetch(`http://127.0.0.1:${p.port}/healthz`).catch(() => undefined))?.ok === true,
        `replica on port ${p.port} serves /healthz`,
      );
    }
    const leaders = await Promise.all(procs.map((p) => metric(p.port, "vpc_route_sync_leader")));
    expect([...leaders].sort()).toEqual([0, 1]);
    const leader = procs.find((_, i) => leaders[i] === 1) ?? procs[0];
    const standby = procs.find((p) => p !== leader);
    if (!leader || !standby) throw new Error("expected two processes");
    const leaderIndex = procs.indexOf(leader);
    const standbyWritesBefore = await metric(standby.port, "vpc_route_sync_route_writes_total");
    expect(standbyWritesBefore).toBe(0);
    expect(await metric(leader.port, "vpc_route_sync_route_writes_total")).toBe(3);
    expect(leaderIndex).toBeGreaterThanOrEqual(0);

    leader.child.kill("SIGKILL");
    await s.objects.setEndpoints(s.namespace, "openvpn", [
      { nodeName: s.node(1).name, address: "10.244.1.5" },
    ]);
    await s.routesConverge(s.node(1).eniId, "10.8.0.0/24", 30_000);
    expect(await metric(standby.port, "vpc_route_sync_leader")).toBe(1);
    expect(await metric(standby.port, "vpc_route_sync_route_writes_total")).toBe(3);
  });
});
