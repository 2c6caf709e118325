/**
 * The memory floor's program: what the official clients cost on their own. Bundled by
 * bench/memory-floor.ts with the product's esbuild options and started with the image's node
 * flags, it builds the clients exactly as the controller does (loadKubeConfig + KubeClient,
 * createEc2Client), makes one call with each, collects its garbage once, says so on stdout, and
 * idles until killed.
 *
 *   node <image flags> dist/bench-floor/main.js <kubeconfig> <ec2 endpoint> <region> [list-all]
 *
 * With `list-all` (a diagnostic, in no target) it also reads what a cluster-wide controller reads
 * at start-up, every Service and EndpointSlice, through client-node's own typed APIs
 * (`listServiceForAllNamespaces`, `listEndpointSliceForAllNamespaces`, pages of 500 as the
 * controller asks), keeping only a count: what the official client alone costs for that work.
 *
 * On SIGUSR2 it prints its V8 heap as one JSON line (the controller reports its heap on /metrics;
 * this process opens no port).
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CoreV1Api, DiscoveryV1Api } from "@kubernetes/client-node";
import { createEc2Client } from "../providers/aws/client.js";
import { KubeClient } from "../src/kube/client/client.js";
import { loadKubeConfig } from "../src/kube/client/kubeconfig.js";
import { fullCollection } from "../src/kube/client/list-collection.js";

const [kubeconfig, endpoint, region, mode] = process.argv.slice(2);
if (
  kubeconfig === undefined ||
  endpoint === undefined ||
  region === undefined ||
  (mode !== undefined && mode !== "list-all")
) {
  process.stderr.write("usage: main.js <kubeconfig> <ec2 endpoint> <region> [list-all]\n");
  process.exit(64);
}

const kubeConfig = loadKubeConfig(kubeconfig);
const kube = new KubeClient(kubeConfig);
const nodes = await kube.get<{ items?: unknown[] }>("/api/v1/nodes?limit=1");

/** Pages through one cluster-wide list with a typed API; returns how many objects it read. */
async function countAll(
  page: (
    token: string | undefined,
  ) => Promise<{ items: unknown[]; metadata?: { _continue?: string } }>,
): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const list = await page(token);
    count += list.items.length;
    token = list.metadata?._continue || undefined;
  } while (token !== undefined);
  return count;
}

let listed = "";
if (mode === "list-all") {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const [services, slices] = await Promise.all([
    countAll((token) => core.listServiceForAllNamespaces({ limit: 500, _continue: token })),
    countAll((token) =>
      discovery.listEndpointSliceForAllNamespaces({ limit: 500, _continue: token }),
    ),
  ]);
  listed = `, ${services} Service(s) and ${slices} EndpointSlice(s) listed`;
}

const ec2 = createEc2Client({ region, endpoint });
await ec2.region();
let tables = 0;
for await (const page of ec2.port.describeRouteTables([])) {
  tables = page.items.length;
  break;
}

/**
 * One full collection, the only one this process would ever run: an idle process that allocates
 * nothing never collects, so without it the floor kept its start-up garbage (measured: 148 MB
 * RSS, 28 of 46 MB heap in use) while the controller, whose timers and watches keep allocating,
 * collects and shrinks. The floor is meant as the least the clients need, so it is collected,
 * with the same last-resort collection the controller runs after a large list.
 */
const heapMb = () => {
  const { heapUsed, heapTotal } = process.memoryUsage();
  return `${(heapUsed / 2 ** 20).toFixed(1)}/${(heapTotal / 2 ** 20).toFixed(1)} MB`;
};
const before = heapMb();
setFlagsFromString("--expose-gc");
(runInNewContext("gc") as NodeJS.GCFunction)(fullCollection);

process.on("SIGUSR2", () => {
  const { heapUsed, heapTotal } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ heapUsed, heapTotal })}\n`);
});
process.stdout.write(
  `floor ready: ${nodes.items?.length ?? 0} node(s) listed, ${tables} route table(s) described${listed}; heap used/total ${before} before one full GC, ${heapMb()} after\n`,
);
// Idle: a timer that never fires keeps the event loop (and the clients) alive.
setInterval(() => {}, 2 ** 31 - 1);
