/**
 * `npm run lab`: scenario 2 of the dataplane lab as a demo. Builds the lab, moves the VPN Pod
 * between node 1 and node 3 (12 times, or `npm run lab -- <moves>`), prints each move's timeline
 * and the summary, writes bench/results/lab.json, and tears everything down, also on Ctrl-C.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join } from "node:path";
import { type MoveTimeline, moveVpnPod } from "./lab-move.js";
import { formatMove, formatSummary, summarizeMoves } from "./lab-timeline.js";
import { LabWorld } from "./lab-world.js";

async function main(): Promise<number> {
  const moves = Number(process.argv[2] ?? 12);
  if (!Number.isInteger(moves) || moves < 1) {
    process.stderr.write(
      `moves: "${process.argv[2]}" is not a positive integer; try npm run lab -- 12\n`,
    );
    return 2;
  }
  const world = new LabWorld();
  const stop = () => void world.destroy().finally(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    process.stdout.write(
      "building the lab: LocalStack, kube-apiserver, VPC router, nodes, OpenVPN, device, proxy...\n",
    );
    await world.start();
    await world.proxy.firstOkAfter(Date.now());
    process.stdout.write(
      `proxy Pod on ${world.node(2).name} answered by the device (10.8.0.2) through the VPN Pod on ${world.vpn.node.name}\n\n`,
    );
    const timelines: MoveTimeline[] = [];
    for (let move = 1; move <= moves; move++) {
      const timeline = await moveVpnPod(world, world.node(move % 2 === 1 ? 3 : 1), move);
      timelines.push(timeline);
      process.stdout.write(`${formatMove(timeline)}\n`);
    }
    process.stdout.write(`\n${formatSummary(timelines)}\n`);
    const file = join(process.cwd(), "bench", "results", "lab.json");
    await mkdir(join(process.cwd(), "bench", "results"), { recursive: true });
    const result = {
      suite: "lab",
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      proxyIntervalMs: 50,
      summary: summarizeMoves(timelines),
      moves: timelines,
    };
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`results: ${file}\n`);
    return 0;
  } finally {
    await world.destroy();
  }
}

process.exitCode = await main();
