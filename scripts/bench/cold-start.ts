import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { Metafile } from "esbuild";
import { functionNames, functionSpecs, type AwsSdkPlacement, type FunctionName } from "../../functions/topology";
import { buildFunctions, bundleDirectory, bundleEntry, bundleEntryFile, bundleMetafile, filesLoadedAtInit } from "../../bundling/function-bundles";
import { buildInitFloor, initFloorFunctions, type InitFloorFunction } from "./floor-functions";
import { median, progress, ratio } from "./measure";

export interface BundleColdStart {
  /** Every chunk of the bundle (source maps aside). */
  readonly bytes: number;
  /** The chunks Node reads at cold start: the entry and what it imports statically. */
  readonly initBytes: number;
  /** Median of `import()` of the bundle: loading it and running its module scope (clients, config, pool). */
  readonly importMs: number;
  /** Median from spawning `node` to the handler being ready: what Lambda reports as Init Duration, roughly. */
  readonly initMs: number;
  readonly initRatioToHelloWorld: number;
}

export interface FunctionColdStart {
  readonly name: FunctionName;
  /** Where the shipped bundle takes the AWS SDK from (`awsSdk` in functions/topology.ts). */
  readonly shipped: AwsSdkPlacement;
  /** The placement that initialised faster in this run. */
  readonly faster: AwsSdkPlacement;
  readonly runtime: BundleColdStart;
  readonly bundled: BundleColdStart;
  /** The shipped bundle's init time over its init floor's (`initFloors`), for the functions that have one. */
  readonly initRatioToFloor?: number;
}

export interface ColdStarts {
  readonly runsPerBundle: number;
  /** A hello world, and a bundle that only constructs the SQS, SNS and S3 clients (SDK external). */
  readonly baselines: Readonly<Record<Baseline, BundleColdStart>>;
  /** Per function, a bundle built like the shipped one that only imports and constructs the clients and pool the function constructs at init. */
  readonly initFloors: Readonly<Record<InitFloorFunction, BundleColdStart>>;
  readonly functions: readonly FunctionColdStart[];
}

const runsPerBundle = 15;
const placements: readonly AwsSdkPlacement[] = ["runtime", "bundled"];

type Baseline = "hello-world" | "sdk-clients";

const baselines: Record<Baseline, string> = {
  "hello-world": `export const handler = async () => ({ statusCode: 200, body: "hello" });`,
  "sdk-clients": `
    import { SQSClient } from "@aws-sdk/client-sqs";
    import { SNSClient } from "@aws-sdk/client-sns";
    import { S3Client } from "@aws-sdk/client-s3";
    const clients = [new SQSClient({}), new SNSClient({}), new S3Client({})];
    export const handler = async () => ({ statusCode: 200, body: String(clients.length) });`,
};

/**
 * Every function is built twice, with the AWS SDK external (the runtime's copy; here resolved from
 * node_modules, as unbundled as Lambda's) and bundled, and each bundle is required in fresh `node`
 * processes with its function's environment, interleaved with the baselines so drift falls on all alike.
 */
export async function measureColdStarts(workDir: string, environmentOf: (name: FunctionName) => Record<string, string>): Promise<ColdStarts> {
  const baselineDir = path.join(workDir, "baselines");
  const initFloorDir = path.join(workDir, "init-floors");
  const variantDir = (sdk: AwsSdkPlacement) => path.join(workDir, `sdk-${sdk}`);
  try {
    for (const sdk of placements) buildFunctions(variantDir(sdk), sdk);
    const bundles = [
      ...(Object.keys(baselines) as Baseline[]).map((name) => ({ key: name, ...buildBaseline(baselineDir, name), env: environmentOf("ingest") })),
      ...initFloorFunctions.map((name) => ({ key: `${name}/init-floor`, ...buildInitFloor(name, initFloorDir), env: environmentOf(name) })),
      ...functionNames.flatMap((name) =>
        placements.map((sdk) => ({
          key: `${name}/${sdk}`,
          file: path.join(bundleDirectory(name, variantDir(sdk)), bundleEntryFile),
          metafile: JSON.parse(readFileSync(bundleMetafile(name, variantDir(sdk)), "utf8")) as Metafile,
          env: environmentOf(name),
        })),
      ),
    ];
    const samples = new Map(bundles.map((bundle) => [bundle.key, { importMs: [] as number[], initMs: [] as number[] }]));
    const bar = progress("cold starts (each function with the SDK external and bundled, beside its init floor)");
    for (let run = 0; run < runsPerBundle; run++) {
      // Each run starts one bundle further on, so that no bundle always follows the same one (whose file reads and compiles it would inherit).
      const shift = Math.round((run * bundles.length) / runsPerBundle);
      for (const bundle of [...bundles.slice(shift), ...bundles.slice(0, shift)]) {
        const sample = await coldStart(bundle.file, bundle.env);
        samples.get(bundle.key)?.importMs.push(sample.importMs);
        samples.get(bundle.key)?.initMs.push(sample.initMs);
      }
      bar.update(run + 1, runsPerBundle);
    }
    const helloInit = median(samples.get("hello-world")?.initMs ?? []);
    const summary = new Map(
      bundles.map(({ key, metafile }) => {
        const { importMs = [], initMs = [] } = samples.get(key) ?? {};
        const init = median(initMs);
        const bytes = { bytes: chunkBytes(metafile, Object.keys(metafile.outputs)), initBytes: chunkBytes(metafile, filesLoadedAtInit(metafile)) };
        return [key, { ...bytes, importMs: median(importMs), initMs: init, initRatioToHelloWorld: ratio(init, helloInit) }];
      }),
    );
    const of = (key: string) => summary.get(key) as BundleColdStart;
    const initFloors = Object.fromEntries(initFloorFunctions.map((name) => [name, of(`${name}/init-floor`)])) as Record<InitFloorFunction, BundleColdStart>;
    const functions = functionNames.map((name) => {
      const runtime = of(`${name}/runtime`);
      const bundled = of(`${name}/bundled`);
      const shipped = functionSpecs[name].awsSdk;
      const floor = (initFloors as Partial<Record<FunctionName, BundleColdStart>>)[name];
      const faster = bundled.initMs < runtime.initMs ? "bundled" : "runtime";
      return { name, shipped, faster, runtime, bundled, ...(floor && { initRatioToFloor: ratio({ runtime, bundled }[shipped].initMs, floor.initMs) }) } as const;
    });
    bar.done(functions.map((f) => `${f.name} ${f.runtime.initMs} ms external, ${f.bundled.initMs} ms bundled`).join("; "));
    return { runsPerBundle, baselines: { "hello-world": of("hello-world"), "sdk-clients": of("sdk-clients") }, initFloors, functions };
  } finally {
    for (const dir of [baselineDir, initFloorDir, ...placements.map(variantDir)]) rmSync(dir, { recursive: true, force: true });
  }
}

/** The shipped bundle's figures: the placement the topology chose. */
export function shippedColdStart(f: FunctionColdStart): BundleColdStart {
  return f[f.shipped];
}

function chunkBytes(metafile: Metafile, files: readonly string[]): number {
  return files.filter((file) => file.endsWith(".mjs")).reduce((sum, file) => sum + metafile.outputs[file].bytes, 0);
}

/** A baseline is bundled exactly as the functions are; its SDK clients (if any) stay external. */
function buildBaseline(dir: string, name: Baseline): { file: string; metafile: Metafile } {
  const source = path.join(dir, `${name}.ts`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(source, baselines[name]);
  const out = path.join(dir, name);
  return { file: path.join(out, bundleEntryFile), metafile: bundleEntry(source, out, "runtime") };
}

const probe = `
const { performance } = require("node:perf_hooks");
const { pathToFileURL } = require("node:url");
const started = performance.now();
import(pathToFileURL(process.argv[1]).href).then(({ handler }) => {
  if (typeof handler !== "function") throw new Error("no handler");
  process.stdout.write(String(performance.now() - started));
  process.exit(0);
});`;

function coldStart(bundle: string, env: Record<string, string>): Promise<{ importMs: number; initMs: number }> {
  return new Promise((resolve, reject) => {
    const spawned = performance.now();
    const child = spawn(process.execPath, ["-e", probe, bundle], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    let readyAt = Number.NaN;
    child.stdout.once("data", () => (readyAt = performance.now()));
    child.on("exit", (code) => {
      if (code !== 0 || !out) return reject(new Error(`requiring ${bundle} failed (exit ${code}): ${err.slice(0, 500)}`));
      resolve({ importMs: Number(out), initMs: readyAt - spawned });
    });
  });
}
