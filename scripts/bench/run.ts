/**
 * `npm run bench`: starts its own local stack (temp data dir, free ports, 127.0.0.1 only), measures
 * cold starts, processor throughput, the local pipeline, ingest, end-to-end latency and log volume,
 * each against its baseline in the same run; derives each stack's capacity and cost per million
 * events; writes bench-results.json and prints the tables (`render.ts` puts them into the docs).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform } from "node:os";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, PurgeQueueCommand } from "@aws-sdk/client-sqs";
import { Client } from "pg";
import { startTestStack, type TestStack } from "../lib/local-stack-client";
import { buildFunctions } from "../../bundling/function-bundles";
import { localCredentials } from "../local-stack/aws-resources";
import { linkTargetsOf } from "../local-stack/local-stack";
import { functionEnvironment } from "../local-stack/function-environment";
import { parseConfig, type FluxaConfig } from "../../stack-config/config";
import { namespaceKeys, readStackConfig } from "../preview/stack-file";
import { runCli, usage } from "../lib/cli";
import { measureClient, type ClientBench } from "./client";
import { measureColdStarts, type ColdStarts } from "./cold-start";
import { ceilingSteps, measureDatabaseCeiling } from "./db-ceiling";
import { emptyEventTables } from "./fixtures";
import type { DatabaseCeiling } from "./database-capacity";
import { measureEndToEnd, type EndToEnd } from "./end-to-end";
import { startBenchFunctions, type BenchFunctions } from "./floor-functions";
import { compareIngest, ingestConnections, type IngestComparison } from "./ingest";
import { compareIngestToFloors } from "./ingest-floor";
import { measureLogVolume, type LogVolume } from "./log-volume";
import { median, packageVersion, repositoryRoot, resultsFile } from "./measure";
import { listPrices } from "./prices";
import { benchCommand, benchPartsToRun, storeRowsOf, type BenchPart } from "./parts";
import { measurePipeline, type PipelineThroughput } from "./pipeline";
import { compareAtBatchSize, functionMetricCollector, type BatchComparison } from "./processor";
import { evaluateTargets, type BenchResults } from "./report";
import { capacityOf, costsOf } from "./sizing";
import { formatStore, measureStore } from "./store";
import { formatCosts, formatLogVolume, formatResults } from "./tables";

const stacks = {
  dev: parseConfig(namespaceKeys(readStackConfig("dev"), "fluxa"), "dev", "eu-west-1"),
  prod: parseConfig(namespaceKeys(readStackConfig("prod"), "fluxa"), "prod", "eu-west-1"),
};
/** The targets' batch sizes and each stack's, for its capacity and cost. */
const batchSizes = [...new Set([10, 100, stacks.dev.queue.batchSize, stacks.prod.queue.batchSize])].sort((a, b) => a - b);
/** The stacks' own batch sizes, for what is measured per stack only (log volume, the database ceiling). */
const stackBatchSizes = [...new Set([stacks.dev.queue.batchSize, stacks.prod.queue.batchSize])];
/** The local stack's default; named here because the pipeline's report divides by it. */
const pollers = 2;
const pipelineEvents = 3000;
/**
 * Rising loads, so that no run starts behind an overloaded one's aftermath; 500/s is the issue's
 * offered load, sent once as single-event POSTs and once as POST /events/batch requests of 10, which
 * separates the pipeline's capacity from the front door's.
 */
const endToEndRuns = [
  { perSecond: 100, seconds: 30 },
  { perSecond: 200, seconds: 15 },
  { perSecond: 300, seconds: 15 },
  { perSecond: 500, seconds: 30, eventsPerRequest: 10 },
  { perSecond: 500, seconds: 30 },
];

async function main(parts: readonly BenchPart[]): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  const measures = (part: BenchPart) => parts.includes(part);
  // Bundles of this run's source in a directory of its own, so a concurrent `npm run build` cannot swap
  // them mid-run; inside the repository, where the external AWS SDK resolves from node_modules.
  mkdirSync(path.join(repositoryRoot, "dist"), { recursive: true });
  const bundleDir = mkdtempSync(path.join(repositoryRoot, "dist", "bench-bundles-"));
  buildFunctions(bundleDir);
  process.stderr.write("starting the local stack (embedded PostgreSQL, SQS/SNS/S3 emulator, Lambda workers)…\n");
  // Lambda scales ingest to one environment per concurrent request; the local default of two would cap it.
  const processorMetrics = functionMetricCollector();
  const t = await startTestStack({
    bundleDir,
    // The database ceiling runs up to its largest step of processor environments at once, from the same pool.
    poolSize: Math.max(ingestConnections, ...ceilingSteps),
    pollerConcurrency: pollers,
    onFunctionLog: processorMetrics.onFunctionLog,
  }).catch((error: unknown) => {
    rmSync(bundleDir, { recursive: true, force: true });
    throw error;
  });
  const db = new Client({ connectionString: t.stack.databaseUrl });
  const s3 = new S3Client({ endpoint: t.stack.awsEndpointUrl, region: t.stack.region, credentials: localCredentials, forcePathStyle: true });
  const sns = new SNSClient({ endpoint: t.stack.awsEndpointUrl, region: t.stack.region, credentials: localCredentials });
  let bench: BenchFunctions | undefined;
  try {
    await db.connect();
    const postgresVersion = (await db.query<{ server_version: string }>("SHOW server_version")).rows[0].server_version;
    const settle = () => settleQueues(t);
    const step = (part: BenchPart) => process.stderr.write(`${parts.indexOf(part) + 1}/${parts.length} ${part}\n`);
    const runtime = { region: t.stack.region, awsEndpointUrl: t.stack.awsEndpointUrl, logLevel: "info" };
    // The floors, the hop and a second ingest, in worker threads like the stack's, started with the first part that needs them.
    const benchFunctions = async (): Promise<BenchFunctions> => {
      if (bench) return bench;
      const { QueueUrl: ingestQueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: "fluxa-bench-ingest-floor" }));
      if (!ingestQueueUrl) throw new Error("CreateQueue fluxa-bench-ingest-floor returned no QueueUrl");
      bench = startBenchFunctions(t.stack, bundleDir, path.join(bundleDir, "bench-functions"), runtime, ingestQueueUrl);
      return bench;
    };

    let coldStart: ColdStarts | undefined;
    if (measures("cold-start")) {
      step("cold-start");
      coldStart = await measureColdStarts(bundleDir, (name) => functionEnvironment(name, linkTargetsOf(t.stack), runtime));
    }

    let batches: BatchComparison[] | undefined;
    if (measures("processor")) {
      step("processor");
      batches = [];
      const { functions } = await benchFunctions();
      for (const size of batchSizes) batches.push(await compareAtBatchSize(t.stack, processorMetrics.lines, db, size, { sns, topicArn: t.stack.topicArn }, functions));
    }

    let localPipeline: PipelineThroughput | undefined;
    if (measures("pipeline")) {
      step("pipeline");
      localPipeline = await measurePipeline(t.stack, processorMetrics.lines, pollers, t.sqs, db, pipelineEvents);
      await settle();
    }

    let ingest: IngestComparison | undefined;
    if (measures("ingest")) {
      step("ingest");
      const floors = await compareIngestToFloors(await benchFunctions(), t.apiKey);
      ingest = { ...(await compareIngest(t.stack, { sqs: t.sqs, s3 }, t.apiKey)), floors };
      await settle();
    }

    let endToEnd: EndToEnd[] | undefined;
    let ingestHandlerMs: number | undefined;
    if (measures("end-to-end")) {
      step("end-to-end");
      endToEnd = [];
      for (const run of endToEndRuns) {
        await emptyEventTables(db);
        const ingestBefore = processorMetrics.ingestMs.length;
        endToEnd.push(await measureEndToEnd(t.stack, db, t.apiKey, run));
        // The lowest load: handler time without queueing behind other requests, as each Lambda environment serves one at a time.
        if (run === endToEndRuns[0]) ingestHandlerMs = median(processorMetrics.ingestMs.slice(ingestBefore));
        await settle();
      }
    }

    let logVolume: LogVolume | undefined;
    if (measures("log-volume")) {
      step("log-volume");
      logVolume = await measureLogVolume(bundleDir, stackBatchSizes);
    }

    let client: ClientBench | undefined;
    if (measures("client")) {
      step("client");
      client = await measureClient();
    }

    let databaseCeiling: DatabaseCeiling[] | undefined;
    if (measures("db-ceiling")) {
      step("db-ceiling");
      databaseCeiling = [];
      for (const size of stackBatchSizes) databaseCeiling.push(await measureDatabaseCeiling(t.stack, db, size));
    }

    const measured = {
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        platform: `${platform()} ${process.arch}`,
        // Other work on the machine skews absolute figures; the ratios compare runs made minutes apart.
        loadAverage1m: { atStart: loadAtStart, atEnd: loadavg()[0] },
      },
      versions: {
        node: process.versions.node,
        postgres: postgresVersion,
        ...Object.fromEntries(["fauxqs", "slonik", "pg", "esbuild", "autocannon", "@aws-sdk/client-sqs"].map((name) => [name, packageVersion(name)])),
      },
      prices: listPrices,
    };
    if (batches && localPipeline && ingest && endToEnd && ingestHandlerMs !== undefined && coldStart && logVolume && client && databaseCeiling) {
      const sizing = { batches, ingestHandlerMs, logVolume };
      const perStack = <T>(of: (config: FluxaConfig) => T | undefined) => ({ dev: of(stacks.dev) ?? null, prod: of(stacks.prod) ?? null });
      const all = {
        ...measured,
        processor: { batchSizes, batches, localPipeline },
        ingest,
        ingestHandlerMs,
        endToEnd,
        coldStart,
        logVolume,
        client,
        databaseCeiling,
        capacity: perStack((config) => capacityOf(config, { processor: { batches }, databaseCeiling, logVolume })),
        perMillionEvents: perStack((config) => {
          const costs = costsOf(config, sizing);
          return costs && { ...costs.fluxa, seedDesign: costs.seedDesign, byEventsPerRequest: costs.byEventsPerRequest };
        }),
      };
      const results: BenchResults = { ...all, targets: evaluateTargets(all) };
      writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
      console.log(`${formatResults(results)}\n\n### Cost per million events\n\n${formatCosts(results)}`);
      console.log(`\n${path.relative(process.cwd(), resultsFile)} written; the run took ${results.durationSeconds} s.`);
    } else {
      const some = { ...measured, processor: { batchSizes, batches, localPipeline }, ingest, ingestHandlerMs, endToEnd, coldStart, logVolume, client, databaseCeiling };
      console.log(formatResults({ ...some, targets: evaluateTargets(some) }));
      if (logVolume) console.log(`\n${formatLogVolume(logVolume)}`);
      console.log(`\nOnly ${parts.join(", ")} measured: ${path.relative(process.cwd(), resultsFile)} left as it was; the run took ${measured.durationSeconds} s.`);
    }
  } finally {
    await bench?.functions.stop();
    await db.end().catch(() => undefined);
    s3.destroy();
    sns.destroy();
    await t.stop();
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

/** Empties the event queue and the SNS tap between phases, so one phase's backlog never loads the next. */
async function settleQueues(t: TestStack): Promise<void> {
  for (const queueUrl of [t.stack.queueUrl, t.stack.snsTapQueueUrl]) await t.sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
}

runCli(benchCommand.name, async () => {
  const parts = benchPartsToRun(process.argv.slice(2));
  if (parts === undefined) {
    console.log(usage(benchCommand));
    return 0;
  }
  // The store part needs PostgreSQL alone, not the local stack.
  if (parts.includes("store")) console.log(formatStore(await measureStore(storeRowsOf(process.argv.slice(2), process.env))));
  const stackParts = parts.filter((part) => part !== "store");
  if (stackParts.length > 0) await main(stackParts);
  return 0;
});
