import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { imageEnv, imageNodeFlags } from "../../bench/image-node-flags.js";
import { bundleLayout } from "../../deploy/bundle.js";
import {
  cloudSdk,
  inputsOf,
  metaKey,
  outputFor,
  shippedBundle,
  staticClosure,
} from "../harness/bundle.js";
import { execForm, instructions, repoRoot, stages } from "../harness/dockerfile.js";

const dockerfile = readFileSync(join(repoRoot, "deploy", "Dockerfile"), "utf8");
const all = instructions(dockerfile);
const byStage = stages(all);
const runtime = [...byStage.values()].at(-1) ?? [];
const { entry, meta } = shippedBundle();
const outputs = Object.keys(meta.outputs);

type Cloud = keyof typeof cloudSdk;
const clouds = Object.keys(cloudSdk) as Cloud[];
const providerChunk = (cloud: Cloud) => outputFor(meta, `providers/${cloud}/index.ts`);

describe("container image (deploy/Dockerfile)", () => {
  it("builds every stage from Node.js 24: a build stage and the runtime", () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(base).toMatch(/^node:24(\.\d+)*-/);
    const froms = all.filter((i) => i.keyword === "FROM").map((i) => i.args.split(/\s+/)[0]);
    const nodeImage = `\${NODE_IMAGE}`;
    expect(froms).toEqual([nodeImage, nodeImage]);
    expect([...byStage.keys()]).toEqual(["build", "runtime"]);
  });

  it("builds the bundle with deploy/bundle.ts, the script behind npm run build:bundle", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    const build = byStage.get("build") ?? [];
    expect(build.filter((i) => i.keyword === "RUN").map((i) => i.args)).toContain(
      "node deploy/bundle.ts",
    );
    expect(pkg.scripts["build:bundle"]).toBe("node deploy/bundle.ts");
    expect(join(repoRoot, pkg.bin["vpc-route-sync"] ?? "")).toBe(entry);
  });

  it("copies only package.json and the bundle into the runtime: no node_modules, no test code", () => {
    const copies = runtime.filter((i) => i.keyword === "COPY").map((i) => i.args);
    expect(copies).toEqual([
      "--from=build /src/package.json ./package.json",
      `--from=build /src/${bundleLayout.dir} ./${bundleLayout.dir}`,
    ]);
    expect(entry).toBe(join(repoRoot, bundleLayout.entry));
  });

  it("runs the bundle as a numeric non-root user with an exec-form entry point and no shell left", () => {
    const user = runtime.filter((i) => i.keyword === "USER").at(-1)?.args;
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(execForm(runtime.find((i) => i.keyword === "ENTRYPOINT"))).toEqual([
      "/usr/local/bin/node",
      ...imageNodeFlags(),
      `/app/${bundleLayout.entry}`,
    ]);
    expect(imageNodeFlags()).toEqual(["--max-semi-space-size=1", "--expose-gc"]);
    // What the memory bench and the bundle-run tests start the bundle with, besides the flags.
    expect(imageEnv()).toEqual({
      NODE_ENV: "production",
      GLIBC_TUNABLES: "glibc.malloc.mmap_threshold=65536",
    });
    expect(execForm(runtime.find((i) => i.keyword === "CMD"))).toEqual(["controller"]);
    const removal = runtime.findIndex((i) => i.keyword === "RUN" && i.args.includes("/bin/sh"));
    expect(removal).toBeGreaterThan(0);
    const after = runtime.slice(removal);
    expect(after.filter((i) => i.keyword === "RUN").every((i) => execForm(i) !== undefined)).toBe(
      true,
    );
    expect(runtime.some((i) => i.args.includes("docker-entrypoint.sh"))).toBe(true);
  });

  it("uses the same user id as the chart's Restricted securityContext", () => {
    const deployment = readFileSync(
      join(repoRoot, "deploy", "helm", "vpc-route-sync", "templates", "deployment.yaml"),
      "utf8",
    );
    const uid = runtime
      .filter((i) => i.keyword === "USER")
      .at(-1)
      ?.args.split(":")[0];
    expect(deployment).toContain(`runAsUser: ${uid}`);
  });

  it("ships the kernel tools the agent runs without a shell (ip, iptables-restore)", () => {
    const install = runtime.find((i) => i.keyword === "RUN" && i.args.includes("apt-get install"));
    expect(install?.args).toMatch(/\biproute2\b/);
    expect(install?.args).toMatch(/\biptables\b/);
  });

  it("sends the build only the files the Dockerfile copies (.dockerignore)", () => {
    const ignore = readFileSync(join(repoRoot, ".dockerignore"), "utf8");
    expect(ignore.split("\n")).toContain("**");
    const copied = all
      .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from"))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const path of copied) {
      const pattern =
        existsSync(join(repoRoot, path)) && !path.includes(".") ? `!${path}/**` : `!${path}`;
      expect(ignore, `.dockerignore lets ${path} through`).toContain(pattern);
    }
    expect(ignore).not.toMatch(/^!test\//m);
  });
});

describe("the bundle's module graph (esbuild's metafile of dist/bundle)", () => {
  it("starts at src/main.ts and holds nothing of test/, bench/ or the demo", () => {
    expect(meta.outputs[metaKey(entry)]?.entryPoint).toBe("src/main.ts");
    const inputs = Object.keys(meta.inputs);
    expect(inputs.filter((i) => /^(test|bench|deploy)\//.test(i))).toEqual([]);
    expect(inputs.filter((i) => /^node_modules\/(vitest|@vitest|fast-check)\//.test(i))).toEqual(
      [],
    );
    expect(inputs.filter((i) => i.startsWith("src/") && i.endsWith(".test.ts"))).toEqual([]);
  });

  it("bundles its dependencies: no import leaves the bundle except Node.js built-ins", () => {
    // Optional add-ons their users require inside try/catch and do without: debug's colour
    // detection, and ws's native speed-ups (ws comes with @kubernetes/client-node's Watch).
    const optional = new Set(["supports-color", "bufferutil", "utf-8-validate"]);
    const builtin = new Set(builtinModules);
    const external = outputs.flatMap((file) =>
      (meta.outputs[file]?.imports ?? [])
        .filter(
          (i) => i.external && !builtin.has(i.path) && !builtin.has(i.path.replace(/^node:/, "")),
        )
        .filter((i) => !optional.has(i.path))
        .map((i) => `${file} -> ${i.path}`),
    );
    expect(external).toEqual([]);
  });

  it("loads no cloud SDK with the entry: each provider's SDK comes with its own lazy chunk", () => {
    const eager = inputsOf(meta, staticClosure(meta, metaKey(entry)));
    for (const cloud of clouds) {
      expect(
        eager.filter((i) => cloudSdk[cloud].test(i)),
        cloud,
      ).toEqual([]);
      expect(
        eager.filter((i) => i.startsWith(`providers/${cloud}/`)),
        cloud,
      ).toEqual([]);
    }
  });

  it.each(clouds)(
    "puts the %s SDK in its provider's chunk, apart from the other clouds' SDKs",
    (cloud) => {
      const loaded = inputsOf(meta, staticClosure(meta, providerChunk(cloud)));
      expect(loaded.filter((i) => cloudSdk[cloud].test(i)).length).toBeGreaterThan(0);
      for (const other of clouds.filter((c) => c !== cloud)) {
        expect(
          loaded.filter((i) => cloudSdk[other].test(i)),
          other,
        ).toEqual([]);
        expect(
          loaded.filter((i) => i.startsWith(`providers/${other}/`)),
          other,
        ).toEqual([]);
      }
    },
  );
});
