import { randomUUID } from "node:crypto";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Client } from "pg";
import type { QueueMessage } from "../../functions/shared/queue-message";
import type { LambdaFunctions, LocalStack } from "../local-stack/local-stack";
import { eventRowValues, multiRowInsert } from "./event-rows";
import { emptyEventTables, queueMessage, sqsBatch } from "./fixtures";
import { median, progress, ratio, round, timed } from "./measure";

export interface Throughput {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** Medians per invocation, from the processor's own EMF metrics and the invoking side's clock. */
export interface InvocationBreakdown {
  readonly invokeMs: number;
  readonly handlerMs: number;
  readonly persistMs: number;
  /** SNS PublishBatch calls and the outbox mark, after the commit. */
  readonly publishMs: number;
}

export interface BatchComparison {
  readonly batchSize: number;
  readonly fluxa: Throughput & { readonly perInvocation: InvocationBreakdown };
  /**
   * The floor of the processor's required work, the multi-row INSERT plus the SNS PublishBatch calls
   * for the batch, as a function bundle invoked as the processor is (scripts/bench/floor-bundles/processor.ts).
   */
  readonly floor: Throughput & { readonly perInvocation: { readonly invokeMs: number } };
  /** Median invocation of an empty function with the same event: the hop into the worker and back, which both pay. */
  readonly hopMs: number;
  readonly rawInsert: Throughput;
  readonly seedDesign: Throughput;
  /** The seed's design as its diagram draws it: the three round trips, then one SNS Publish per event. */
  readonly seedDesignWithPublish: Throughput;
  readonly ratioToFloor: number;
  readonly ratioToRawInsert: number;
  readonly ratioToSeedDesign: number;
  readonly ratioToSeedDesignWithPublish: number;
}

/** The processor's EMF line, one per invocation. */
export interface ProcessorMetricLine {
  readonly process_latency_ms: number;
  readonly db_latency_ms: number;
  readonly publish_latency_ms: number;
}

/**
 * Keeps the processor's EMF lines and ingest's handler times; every other line is skipped unparsed,
 * so the bench's bookkeeping costs the stack nothing.
 */
export function functionMetricCollector(): { lines: ProcessorMetricLine[]; ingestMs: number[]; onFunctionLog: (name: string, line: string) => void } {
  const lines: ProcessorMetricLine[] = [];
  const ingestMs: number[] = [];
  return {
    lines,
    ingestMs,
    onFunctionLog: (name, line) => {
      if (name === "processor" && line.includes('"process_latency_ms"')) lines.push(JSON.parse(line) as ProcessorMetricLine);
      if (name === "ingest" && line.includes('"ingest_latency_ms"')) ingestMs.push((JSON.parse(line) as { ingest_latency_ms: number }).ingest_latency_ms);
    },
  };
}

/**
 * The ways are measured in interleaved rounds (each way once per round), so that drift in the
 * machine's speed during the phase, large on a shared VM, falls on all of them alike. Events per way
 * and round; the seed's design gets fewer because each event costs it three round trips.
 */
const rounds = 5;
const eventsPerRound = { fluxa: 1000, floor: 1000, hop: 1000, rawInsert: 1000, seedDesign: 300, seedDesignWithPublish: 200 };
type Way = keyof typeof eventsPerRound;

/** Where the seed's notifications go: the stack's topic, through the bench's SNS client. */
export interface PublishTarget {
  readonly sns: SNSClient;
  readonly topicArn: string;
}

/** One way of handling a batch: its input is made before the clock starts, so only `run` is timed. */
interface BatchWay<T> {
  readonly label: string;
  readonly input: () => T;
  readonly run: (input: T) => Promise<void>;
}

/**
 * Processor throughput at one batch size, six ways, each on emptied tables with fresh event ids: the
 * processor bundle invoked in its emulated Lambda environment (worker thread) one batch at a time;
 * its floor (the same rows' multi-row INSERT and their SNS PublishBatch calls) as a bundle invoked
 * the same way in the same kind of environment; an empty function invoked with the same event (the
 * hop); and from the bench's thread the INSERT alone and the seed's three round trips per event,
 * without and with its SNS Publish per event.
 */
export async function compareAtBatchSize(
  stack: LocalStack,
  processorMetrics: readonly ProcessorMetricLine[],
  db: Client,
  batchSize: number,
  topic: PublishTarget,
  benchFunctions: LambdaFunctions,
): Promise<BatchComparison> {
  const invokeMs: Record<"fluxa" | "floor" | "hop", number[]> = { fluxa: [], floor: [], hop: [] };
  const linesBefore = processorMetrics.length;
  const invoked = (way: keyof typeof invokeMs, functions: LambdaFunctions, name: string, label: string): BatchWay<SQSEvent> => ({
    label,
    input: () => sqsBatch(batchSize, `bench-${name}-${randomUUID()}`).event,
    run: async (event) => void invokeMs[way].push(await timed(() => invokeBatch(functions, name, event))),
  });
  const fromBenchThread = (label: string, run: (messages: QueueMessage[]) => Promise<void>): BatchWay<QueueMessage[]> => ({
    label,
    input: () => freshMessages(batchSize),
    run,
  });
  const ways: Record<Way, BatchWay<SQSEvent> | BatchWay<QueueMessage[]>> = {
    fluxa: invoked("fluxa", stack.functions, "processor", "processor"),
    floor: invoked("floor", benchFunctions, "processor-floor", "floor bundle: multi-row INSERT + SNS PublishBatch"),
    hop: invoked("hop", benchFunctions, "hop", "empty function (the hop)"),
    rawInsert: fromBenchThread("multi-row INSERT", (messages) => insertRows(db, messages)),
    seedDesign: fromBenchThread("seed design (3 round trips/event)", (messages) => seedDesignBatch(db, messages)),
    seedDesignWithPublish: fromBenchThread("seed design + SNS Publish per event", (messages) => seedDesignBatch(db, messages, topic)),
  };
  const runs: Record<Way, Throughput[]> = { fluxa: [], floor: [], hop: [], rawInsert: [], seedDesign: [], seedDesignWithPublish: [] };
  for (let pass = 1; pass <= rounds; pass++) {
    for (const way of Object.keys(ways) as Way[]) {
      const label = `${ways[way].label}, batch ${batchSize}, round ${pass}/${rounds}`;
      runs[way].push(await measure(label, db, eventsPerRound[way], batchSize, ways[way] as BatchWay<unknown>));
    }
  }
  // Each round starts with one unmeasured warm-up invocation; the medians leave it out.
  const warm = <T>(values: readonly T[]) => values.filter((_, index) => index % (eventsPerRound.fluxa / batchSize + 1) !== 0);
  const metrics = processorMetrics.slice(linesBefore);
  const perInvocation = {
    invokeMs: median(warm(invokeMs.fluxa)),
    handlerMs: median(warm(metrics).map((entry) => entry.process_latency_ms)),
    persistMs: median(warm(metrics).map((entry) => entry.db_latency_ms)),
    publishMs: median(warm(metrics).map((entry) => entry.publish_latency_ms)),
  };
  const fluxa = { ...combined(runs.fluxa), perInvocation };
  const floor = { ...combined(runs.floor), perInvocation: { invokeMs: median(warm(invokeMs.floor)) } };
  const rawInsert = combined(runs.rawInsert);
  const seedDesign = combined(runs.seedDesign);
  const seedDesignWithPublish = combined(runs.seedDesignWithPublish);
  return {
    batchSize,
    fluxa,
    floor,
    hopMs: median(warm(invokeMs.hop)),
    rawInsert,
    seedDesign,
    seedDesignWithPublish,
    ratioToFloor: ratio(fluxa.eventsPerSecond, floor.eventsPerSecond),
    ratioToRawInsert: ratio(fluxa.eventsPerSecond, rawInsert.eventsPerSecond),
    ratioToSeedDesign: ratio(fluxa.eventsPerSecond, seedDesign.eventsPerSecond),
    ratioToSeedDesignWithPublish: ratio(fluxa.eventsPerSecond, seedDesignWithPublish.eventsPerSecond),
  };
}

export function throughput(events: number, seconds: number): Throughput {
  return { events, seconds: round(seconds, 3), eventsPerSecond: Math.round(events / seconds) };
}

/** All rounds of one way as one run: their events over their time. */
export function combined(runs: readonly Throughput[]): Throughput {
  return throughput(
    runs.reduce((sum, run) => sum + run.events, 0),
    runs.reduce((sum, run) => sum + run.seconds, 0),
  );
}

/** One unmeasured batch first (connections, prepared statements, JIT), then `events` more on emptied tables. */
async function measure<T>(label: string, db: Client, events: number, batchSize: number, way: BatchWay<T>): Promise<Throughput> {
  await way.run(way.input());
  await emptyEventTables(db);
  const inputs = Array.from({ length: Math.ceil(events / batchSize) }, way.input);
  const bar = progress(label);
  const started = process.hrtime.bigint();
  for (const [index, input] of inputs.entries()) {
    await way.run(input);
    bar.update((index + 1) * batchSize, events);
  }
  const result = throughput(events, Number(process.hrtime.bigint() - started) / 1e9);
  bar.done(`${result.eventsPerSecond} events/s`);
  return result;
}

async function invokeBatch(functions: LambdaFunctions, name: string, event: SQSEvent): Promise<void> {
  const response = (await functions.invoke(name, event)) as SQSBatchResponse | null;
  const failed = response?.batchItemFailures.length ?? 0;
  if (failed > 0) throw new Error(`${name} failed ${failed} of ${event.Records.length} records`);
}

function freshMessages(count: number): QueueMessage[] {
  const correlationId = `bench-baseline-${randomUUID()}`;
  return Array.from({ length: count }, () => queueMessage(correlationId));
}

/** The raw limit: one multi-row INSERT per batch, no queue, no idempotency record, no outbox. */
async function insertRows(db: Client, messages: readonly QueueMessage[]): Promise<void> {
  await db.query(multiRowInsert(messages.length), messages.flatMap(eventRowValues));
}

/**
 * The seed's processor, re-implemented: for each event, look it up in the idempotency table,
 * insert it, then mark it processed; three autocommitted round trips, prepared statements. Given a
 * topic, each stored event is then published on its own, as the seed's processor notifies.
 */
async function seedDesignBatch(db: Client, messages: readonly QueueMessage[], publishTo?: PublishTarget): Promise<void> {
  for (const message of messages) {
    const seen = await db.query({ name: "seed-check", text: "SELECT 1 FROM idempotency_keys WHERE event_id = $1", values: [message.event_id] });
    if (seen.rowCount) continue;
    await db.query({ name: "seed-insert", text: multiRowInsert(1), values: eventRowValues(message) });
    await db.query({
      name: "seed-mark",
      // Since migration 008, idempotency_keys references event_keys: the key is claimed there as well.
      text: "WITH claimed AS (INSERT INTO event_keys (event_id, created_at) VALUES ($1, now())) INSERT INTO idempotency_keys (event_id, payload_sha256) VALUES ($1, $2)",
      values: [message.event_id, message.payload_sha256],
    });
    if (publishTo) {
      await publishTo.sns.send(
        new PublishCommand({
          TopicArn: publishTo.topicArn,
          Message: JSON.stringify(message),
          MessageAttributes: { event_id: { DataType: "String", StringValue: message.event_id } },
        }),
      );
    }
  }
}
