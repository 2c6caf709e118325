import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { type RequestOptions, request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubeConfig } from "@kubernetes/client-node";
import { dump } from "js-yaml";
import { runBuildScript } from "./build-script.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The cached helm and kustomize binaries that the deploy tests drive. */
export interface HelmTools {
  readonly helm: string;
  readonly kustomize: string;
}

/** Builds (or reuses from the cache) helm and kustomize; progress goes to stderr. */
export async function ensureHelmTools(): Promise<HelmTools> {
  const bins = await runBuildScript("build-helm.sh", ["HELM_BIN", "KUSTOMIZE_BIN"]);
  return { helm: bins.HELM_BIN, kustomize: bins.KUSTOMIZE_BIN };
}

/** What a tool printed and whether it succeeded; never throws, so tests can assert on failures. */
export interface ToolResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command line tool synchronously from the repository root. */
export function runTool(bin: string, args: readonly string[]): ToolResult {
  const result = spawnSync(bin, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 16 << 20 });
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/** Writes chart values to a fresh temporary file and returns its path (for `--values`). */
export function writeValuesFile(values: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), "vrs-values-")), "values.yaml");
  writeFileSync(path, dump(values));
  return path;
}

/**
 * Values that switch on every optional part of the chart (two replicas, ServiceMonitor,
 * NetworkPolicy, admission policy, agent), so one rendering covers every template.
 */
export function optionalFeatureValues(agentNamespace: string): Record<string, unknown> {
  return {
    replicaCount: 2,
    metrics: { serviceMonitor: { enabled: true, labels: { release: "prometheus" } } },
    networkPolicy: {
      enabled: true,
      egress: { enabled: true },
      metricsFrom: [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
      ],
    },
    admissionPolicy: { enabled: true, allowedGroups: ["system:masters", "vpn-admins"] },
    agent: { enabled: true, namespace: agentNamespace, mode: "hop", masquerade: true },
  };
}

/** An object to send to the API server, kept as raw JSON so no client model drops a field. */
export interface RawObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

/** The API server's answer: status, parsed body and the Warning headers (e.g. Pod Security). */
export interface RestResponse {
  readonly status: number;
  readonly body: unknown;
  readonly warnings: readonly string[];
}

/** Where a kind lives in the API, from discovery. */
interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * A raw REST client over a KubeConfig (client certificate or bearer token). Objects go to the
 * server as JSON exactly as rendered, with optional impersonation headers, so field validation
 * and admission see what `kubectl apply --server-side` would send.
 */
export class RawKube {
  private readonly kubeConfig: KubeConfig;
  private readonly discovered = new Map<string, Map<string, ResourceInfo>>();

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<RestResponse> {
    const server = this.kubeConfig.getCurrentCluster()?.server;
    if (server === undefined) throw new Error("the kubeconfig names no cluster");
    const https: RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(https);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      ...(https.headers as Record<string, string> | undefined),
      accept: "application/json",
      ...(payload === undefined
        ? {}
        : { "content-type": options.contentType ?? "application/json" }),
      ...options.headers,
    };
    return await new Promise<RestResponse>((resolve, reject) => {
      const req = request(new URL(path, server), { ...https, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const warning = res.headers.warning;
          const warnings = warning === undefined ? [] : [warning].flat();
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON (e.g. plain text errors): keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body, warnings });
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Plural and scope of a kind, from the API server's discovery document. */
  async resourceOf(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let kinds = this.discovered.get(apiVersion);
    if (kinds === undefined) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const found = await this.request("GET", path);
      const resources = (found.body as { resources?: RawResource[] }).resources ?? [];
      kinds = new Map(
        resources
          .filter((r) => !r.name.includes("/"))
          .map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }]),
      );
      if (found.status === 200) this.discovered.set(apiVersion, kinds);
    }
    const info = kinds.get(kind);
    if (info === undefined) throw new Error(`the API server does not serve ${apiVersion} ${kind}`);
    return info;
  }

  /** The URL path of an object (its collection when `collection` is true). */
  async pathOf(object: RawObject, collection = false): Promise<string> {
    const { plural, namespaced } = await this.resourceOf(object.apiVersion, object.kind);
    const group = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : "/api/v1";
    const scope = namespaced ? `/namespaces/${object.metadata.namespace ?? "default"}` : "";
    return `${group}${scope}/${plural}${collection ? "" : `/${object.metadata.name}`}`;
  }

  /** Server-side apply with strict field validation; `dryRun` persists nothing. */
  async apply(
    object: RawObject,
    options: { dryRun: boolean; headers?: Record<string, string> },
  ): Promise<RestResponse> {
    const query = new URLSearchParams({
      fieldManager: "vpc-route-sync-tests",
      fieldValidation: "Strict",
      force: "true",
      ...(options.dryRun ? { dryRun: "All" } : {}),
    });
    return await this.request("PATCH", `${await this.pathOf(object)}?${query}`, {
      body: object,
      contentType: "application/apply-patch+yaml",
      headers: options.headers ?? {},
    });
  }
}

interface RawResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}
