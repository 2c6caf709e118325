import { type ChildProcess, execFile } from "node:child_process";
import { access, constants, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { NetnsLab } from "./lab.js";

const run = promisify(execFile);

/** The device's address: the first client address of the VPN network 10.8.0.0/24. */
export const deviceVpnAddress = "10.8.0.2";

/** Fails (never skips) without the openvpn binary or a TUN device: the lab would prove nothing. */
export async function assertOpenVpnSupport(): Promise<void> {
  const problems: string[] = [];
  await run("openvpn", ["--version"]).catch(() =>
    problems.push("openvpn is not installed (apt-get install -y openvpn; .ci/run does it)"),
  );
  await access("/dev/net/tun", constants.R_OK | constants.W_OK).catch(() =>
    problems.push("/dev/net/tun is missing or not writable (load the tun module)"),
  );
  if (problems.length > 0) throw new Error(`the dataplane lab cannot run: ${problems.join("; ")}`);
}

/** Throwaway credentials: a self-signed key pair per side, each pinning the other's fingerprint. */
export interface VpnPki {
  readonly dir: string;
  readonly fingerprints: { readonly server: string; readonly client: string };
  remove(): Promise<void>;
}

/** Generates the lab's VPN credentials in a temporary directory (removed by `remove()`). */
export async function createVpnPki(): Promise<VpnPki> {
  const dir = await mkdtemp(join(tmpdir(), "vrs-lab-vpn-"));
  const fingerprints = { server: "", client: "" };
  for (const side of ["server", "client"] as const) {
    const [key, cert] = [join(dir, `${side}.key`), join(dir, `${side}.crt`)];
    await run("openssl", [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
      ...["-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${side}`],
    ]);
    const { stdout } = await run("openssl", [
      "x509",
      "-in",
      cert,
      "-noout",
      "-fingerprint",
      "-sha256",
    ]);
    fingerprints[side] = stdout.trim().split("=")[1] ?? "";
  }
  return { dir, fingerprints, remove: () => rm(dir, { recursive: true, force: true }) };
}

const netmask = (bits: number) =>
  [24, 16, 8, 0].map((shift) => ((0xffffffff << (32 - bits)) >>> shift) & 0xff).join(".");

/** A running openvpn, with the times its log said the tunnel came up. */
export class OpenVpnProcess {
  readonly child: ChildProcess;
  readonly connectedAt: number[] = [];
  readonly exited: Promise<void>;

  constructor(lab: NetnsLab, ns: string, args: readonly string[]) {
    this.child = lab.spawn(ns, "openvpn", args);
    createInterface(this.child.stdout ?? process.stdin).on("line", (line) => {
      if (line.includes("Initialization Sequence Completed")) this.connectedAt.push(Date.now());
      if (process.env.VRS_LAB_VPN_LOG === "1") process.stderr.write(`[openvpn ${ns}] ${line}\n`);
    });
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  /** Resolves with the first "Initialization Sequence Completed" at or after `afterMs`. */
  async connectedAfter(afterMs: number, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const at = this.connectedAt.find((t) => t >= afterMs);
      if (at !== undefined) return at;
      if (this.child.exitCode !== null)
        throw new Error(`openvpn exited with ${this.child.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`openvpn did not connect within ${timeoutMs} ms`);
  }

  /** SIGTERM, as the kubelet stops a container: the server tells its clients to reconnect. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    await this.exited;
  }
}

/** The VPN server in a Pod's namespace; `pushRoutes` are the networks its clients learn. */
export function startVpnServer(
  lab: NetnsLab,
  ns: string,
  pki: VpnPki,
  pushRoutes: readonly string[],
): OpenVpnProcess {
  const pushes = pushRoutes.flatMap((cidr) => {
    const [network, bits] = cidr.split("/");
    return ["--push", `route ${network} ${netmask(Number(bits))}`];
  });
  return new OpenVpnProcess(lab, ns, [
    ...["--dev", "tun", "--topology", "subnet", "--server", "10.8.0.0", "255.255.255.0"],
    ...["--proto", "udp", "--port", "1194", "--dh", "none"],
    ...["--cert", join(pki.dir, "server.crt"), "--key", join(pki.dir, "server.key")],
    ...["--peer-fingerprint", pki.fingerprints.client],
    // Clients ping every second and restart after 3 s of silence; on SIGTERM the server tells them.
    ...["--keepalive", "1", "3", "--explicit-exit-notify", "1", "--verb", "3"],
    ...pushes,
  ]);
}

/** The device's client, dialing the load balancer's address; it keeps `tun0` across restarts. */
export function startVpnClient(
  lab: NetnsLab,
  ns: string,
  pki: VpnPki,
  remote: string,
): OpenVpnProcess {
  return new OpenVpnProcess(lab, ns, [
    ...["--client", "--dev", "tun", "--proto", "udp", "--remote", remote, "1194", "--nobind"],
    ...["--cert", join(pki.dir, "client.crt"), "--key", join(pki.dir, "client.key")],
    ...["--peer-fingerprint", pki.fingerprints.server],
    ...["--persist-tun", "--connect-retry", "1", "1", "--tls-timeout", "1", "--verb", "3"],
    // A handshake that gets no answer is abandoned within seconds and retried from a new port,
    // so a stale NAT entry at the load balancer (towards a Pod that is gone) is never reused.
    ...["--server-poll-timeout", "3", "--hand-window", "5"],
  ]);
}
