import { spawn } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { buildSync } from "esbuild";
import { functionNames, lambdaRuntime, type FunctionName } from "../../functions/topology";
import { bundleDirectory } from "../../components/function-bundles";
import { median, progress, ratio } from "./measure";

export interface BundleColdStart {
  readonly name: FunctionName | Baseline;
  readonly bytes: number;
  /** Median of `require()` of the bundle: loading it and running its module scope (clients, config, pool). */
  readonly requireMs: number;
  /** Median from spawning `node` to the handler being ready: what Lambda reports as Init Duration, roughly. */
  readonly initMs: number;
  readonly initRatioToHelloWorld: number;
  /** Against the floor of any function that talks to AWS: loading and constructing the SDK clients. */
  readonly initRatioToSdkClients: number;
}

const runsPerBundle = 7;

type Baseline = "hello-world" | "sdk-clients";

/**
 * The reference bundles: an empty handler, and one that only loads and constructs the SQS, SNS
 * and S3 clients, the floor of any function that talks to AWS (the SDK is external, as on Lambda).
 */
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
 * Each bundle is required in a fresh `node` process with its function's environment, several times,
 * interleaved with the baseline bundles, built with the same esbuild options.
 */
export async function measureColdStarts(
  bundleDir: string,
  environmentOf: (name: FunctionName) => Record<string, string>): Promise<BundleColdStart[]> {
  const baselineDir = path.join(bundleDir, "baselines");
  try {
    const bundles = [
      ...(Object.keys(baselines) as Baseline[]).map((name) => ({ name, file: buildBaseline(baselineDir, name), env: environmentOf("ingest") })),
      ...functionNames.map((name) => ({ name, file: path.join(bundleDirectory(name, bundleDir), "index.js"), env: environmentOf(name) })),
    ];
    const samples = new Map(bundles.map((bundle) => [bundle.name, { requireMs: [] as number[], initMs: [] as number[] }]));
    const bar = progress("cold starts");
    for (let run = 0; run < runsPerBundle; run++) {
      for (const bundle of bundles) {
        const sample = await coldStart(bundle.file, bundle.env);
        samples.get(bundle.name)?.requireMs.push(sample.requireMs);
        samples.get(bundle.name)?.initMs.push(sample.initMs);
      }
      bar.update(run + 1, runsPerBundle);
    }
    const helloInit = median(samples.get("hello-world")?.initMs ?? []);
    const sdkInit = median(samples.get("sdk-clients")?.initMs ?? []);
    const results = bundles.map(({ name, file }) => {
      const { requireMs = [], initMs = [] } = samples.get(name) ?? {};
      const init = median(initMs);
      return {
        name,
        bytes: statSync(file).size,
        requireMs: median(requireMs),
        initMs: init,
        initRatioToHelloWorld: ratio(init, helloInit),
        initRatioToSdkClients: ratio(init, sdkInit),
      };
    });
    bar.done(results.map((r) => `${r.name} ${Math.round(r.bytes / 1024)} KB ${r.initMs} ms`).join(", "));
    return results;
  } finally {
    rmSync(baselineDir, { recursive: true, force: true });
  }
}

function buildBaseline(dir: string, name: Baseline): string {
  const outfile = path.join(dir, name, "index.js");
  buildSync({
    stdin: { contents: baselines[name], loader: "ts", resolveDir: dir },
    outfile,
    bundle: true,
    platform: "node",
    target: `node${lambdaRuntime.nodeMajor}`,
    format: "cjs",
    minify: true,
    logLevel: "error",
    external: ["@aws-sdk/*"],
  });
  return outfile;
}

const probe = `
const { performance } = require("node:perf_hooks");
const started = performance.now();
const { handler } = require(process.argv[1]);
if (typeof handler !== "function") throw new Error("no handler");
process.stdout.write(String(performance.now() - started));
process.exit(0);`;

function coldStart(bundle: string, env: Record<string, string>): Promise<{ requireMs: number; initMs: number }> {
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
      resolve({ requireMs: Number(out), initMs: readyAt - spawned });
    });
  });
}
