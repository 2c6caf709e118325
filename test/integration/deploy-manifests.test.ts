import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { load } from "js-yaml";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  type Cloud,
  clouds,
  cloudValues,
  configMapName,
  controllerNamespace,
  documentKey,
  generateManifestFiles,
  type KubeDocument,
  manifestsDir,
  parseDocuments,
  readGeneratedFiles,
  renderChart,
  withoutHelmMarks,
} from "../../deploy/generate-manifests.js";
import { ensureHelmTools, type HelmTools, RawKube, runTool } from "../harness/helm.js";

let tools: HelmTools;
const renderings = new Map<Cloud, string>();

beforeAll(async () => {
  tools = await ensureHelmTools();
  for (const cloud of clouds) {
    renderings.set(cloud, renderChart(tools.helm, { valuesFiles: [cloudValues(cloud)] }));
  }
}, 900_000);

const rendering = (cloud: Cloud): string => {
  const text = renderings.get(cloud);
  if (text === undefined) throw new Error(`${cloud} was not rendered`);
  return text;
};

function kustomizeBuild(cloud: Cloud): KubeDocument[] {
  const result = runTool(tools.kustomize, ["build", join(manifestsDir, "overlays", cloud)]);
  if (!result.ok) throw new Error(`kustomize build overlays/${cloud} failed: ${result.stderr}`);
  return parseDocuments(result.stdout);
}

/** Kustomize names the generated ConfigMap `<name>-<hash>`; map it back to compare with Helm. */
function withoutConfigHash(docs: readonly KubeDocument[]): KubeDocument[] {
  const hashed = new RegExp(`^${configMapName}-[a-z0-9]{10}$`);
  return JSON.parse(
    JSON.stringify(docs, (key, value: unknown) =>
      key === "name" && typeof value === "string" && hashed.test(value) ? configMapName : value,
    ),
  ) as KubeDocument[];
}

/** The config file as values: the overlay keeps it in the repository's YAML style. */
function withParsedConfig(doc: KubeDocument): KubeDocument {
  const data = doc.data as Record<string, string> | undefined;
  const text = data?.["config.yaml"];
  return text === undefined ? doc : { ...doc, data: { ...data, "config.yaml": load(text) } };
}

const byKey = (docs: readonly KubeDocument[]) =>
  Object.fromEntries(
    [...docs]
      .map((d) => [documentKey(d), d])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

describe("plain manifests in deploy/manifests", () => {
  it("equal a fresh rendering of the chart (run deploy/generate-manifests.sh after a chart change)", () => {
    const fresh = generateManifestFiles(rendering);
    const committed = readGeneratedFiles();
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [path, content] of fresh) {
      expect(committed.get(path), `deploy/manifests/${path} is stale`).toBe(content);
    }
  });

  it.each(clouds)(
    "build with kustomize for %s into exactly what helm renders, plus the Namespace",
    (cloud) => {
      const built = withoutConfigHash(kustomizeBuild(cloud));
      const expected = [
        controllerNamespace,
        ...parseDocuments(rendering(cloud)).map(withoutHelmMarks),
      ];
      expect(byKey(built.map(withParsedConfig))).toEqual(byKey(expected.map(withParsedConfig)));
    },
  );

  it.each(clouds)(
    "apply for %s with server-side dry-run and strict validation, without warnings",
    async (cloud) => {
      const admin = new KubeConfig();
      admin.loadFromFile(inject("kubeconfigPath"));
      const kube = new RawKube(admin);
      const docs = kustomizeBuild(cloud);
      for (const doc of docs.filter((d) => d.kind === "Namespace")) {
        expect((await kube.apply(doc, { dryRun: false })).status).toBeLessThan(300);
      }
      await kube.apply(
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "vpn" } },
        { dryRun: false },
      );
      for (const doc of docs) {
        const result = await kube.apply(doc, { dryRun: true });
        const what = `${doc.kind} ${doc.metadata.name}`;
        expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBeLessThan(300);
        expect(result.warnings, what).toEqual([]);
      }
    },
  );
});
