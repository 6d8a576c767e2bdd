/**
 * The bench's own functions, each built like the shipped function it is compared with (the same
 * bundler and options, its SDK placement) and run in the same emulated Lambda environment, so that a
 * ratio to a floor compares work and not the way in: the processor's and ingest's floors, an empty
 * function (the hop into the worker on its own), and per function what its cold start cannot avoid.
 */
import * as path from "node:path";
import type { Metafile } from "esbuild";
import { bundleDirectory, bundleEntry, bundleEntryFile, repositoryRoot } from "../../bundling/function-bundles";
import { functionSpecs, type FunctionName } from "../../functions/topology";
import { functionEnvironment, type RuntimeSettings } from "../local-stack/function-environment";
import { linkTargetsOf, type LocalStack } from "../local-stack/local-stack";
import { LambdaRuntime, type FunctionConfiguration } from "../local-stack/lambda-runtime";

const floorSources = path.join("scripts", "bench", "floor-bundles");

/** Invoked beside a shipped function: each is built and configured like `like`. */
export const invocationFloors = {
  "processor-floor": { source: "processor.ts", like: "processor" },
  "ingest-floor": { source: "ingest.ts", like: "ingest" },
  hop: { source: "empty.ts", like: "processor" },
} as const satisfies Record<string, { source: string; like: FunctionName }>;
export type InvocationFloor = keyof typeof invocationFloors;

/** Per function, a bundle that imports and constructs exactly the clients and pool the function constructs at init. */
export const initFloors = {
  ingest: "ingest-init.ts",
  processor: "processor-init.ts",
  query: "query-init.ts",
} as const satisfies Partial<Record<FunctionName, string>>;
export type InitFloorFunction = keyof typeof initFloors;
export const initFloorFunctions = Object.keys(initFloors) as InitFloorFunction[];

export interface BuiltBundle {
  /** The entry Lambda loads (`index.mjs`). */
  readonly file: string;
  readonly metafile: Metafile;
}

/** Bundles a floor's source into `dir` exactly as the function `like` is bundled. */
export function buildFloor(source: string, like: FunctionName, dir: string): BuiltBundle {
  return { file: path.join(dir, bundleEntryFile), metafile: bundleEntry(path.join(repositoryRoot, floorSources, source), dir, functionSpecs[like].awsSdk) };
}

/** The init floor of `name`, built into `<outDir>/<name>-init-floor`. */
export function buildInitFloor(name: InitFloorFunction, outDir: string): BuiltBundle {
  return buildFloor(initFloors[name], name, path.join(outDir, `${name}-init-floor`));
}

export interface BenchFunctions {
  readonly functions: LambdaRuntime;
  /** `ingest_latency_ms` of each invocation of this runtime's ingest, from its EMF line. */
  readonly ingestHandlerMs: number[];
}

/**
 * A Lambda runtime of the local stack's kind holding the floors and a second ingest (the shipped
 * bundle) whose queue is `ingestQueueUrl`, one no poller drains, so that neither the handler nor its
 * floor pays for the processor's work on what they sent. Every function gets the environment its
 * `like` gets, logs forwarded as the stack forwards the processor's.
 */
export function startBenchFunctions(stack: LocalStack, shippedBundleDir: string, floorDir: string, runtime: RuntimeSettings, ingestQueueUrl: string): BenchFunctions {
  const ingestHandlerMs: number[] = [];
  const configure = (name: string, like: FunctionName, bundleDir: string, onLogLine: (line: string) => void = () => undefined): FunctionConfiguration => ({
    name,
    bundleDir,
    timeoutSeconds: stack.sizing.functions[like].timeoutSeconds,
    memoryMb: stack.sizing.functions[like].memoryMb,
    environment: functionEnvironment(like, like === "ingest" ? { ...linkTargetsOf(stack), queueUrl: ingestQueueUrl } : linkTargetsOf(stack), runtime),
    region: stack.region,
    quiet: true,
    onLogLine,
  });
  const floors = (Object.entries(invocationFloors) as [InvocationFloor, (typeof invocationFloors)[InvocationFloor]][]).map(([name, { source, like }]) => {
    const dir = path.join(floorDir, name);
    buildFloor(source, like, dir);
    return configure(name, like, dir);
  });
  const ingest = configure("ingest", "ingest", bundleDirectory("ingest", shippedBundleDir), (line) => {
    if (line.includes('"ingest_latency_ms"')) ingestHandlerMs.push((JSON.parse(line) as { ingest_latency_ms: number }).ingest_latency_ms);
  });
  return { functions: new LambdaRuntime([...floors, ingest], 1), ingestHandlerMs };
}
