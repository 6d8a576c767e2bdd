import { randomUUID } from "node:crypto";
import { PublishBatchCommand, PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { SQSBatchResponse } from "aws-lambda";
import type { Client } from "pg";
import type { QueueMessage } from "../../functions/shared/queue-message";
import type { LocalStack } from "../local-stack/local-stack";
import { eventColumns, eventRowValues, queueMessage, sqsBatch } from "./fixtures";
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
  /** The floor of the processor's required work: the multi-row INSERT plus the SNS PublishBatch calls for the batch. */
  readonly floor: Throughput;
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
 * The five ways are measured in interleaved rounds (each way once per round), so that drift in the
 * machine's speed during the phase, large on a shared VM, falls on all of them alike. Events per way
 * and round; the seed's design gets fewer because each event costs it three round trips.
 */
const rounds = 3;
const eventsPerRound = { fluxa: 1000, floor: 1000, rawInsert: 1000, seedDesign: 300, seedDesignWithPublish: 200 };

/** Where the floor's and the seed's notifications go: the stack's topic, through the bench's SNS client. */
export interface PublishTarget {
  readonly sns: SNSClient;
  readonly topicArn: string;
}

/**
 * Processor throughput at one batch size, five ways, each on emptied tables with fresh event ids:
 * the processor bundle invoked in its emulated Lambda environment (worker thread) one batch at a
 * time, its floor (the same rows' multi-row INSERT and their SNS PublishBatch calls), the INSERT
 * alone, and the seed's three round trips per event, without and with its SNS Publish per event.
 */
export async function compareAtBatchSize(
  stack: LocalStack,
  processorMetrics: readonly ProcessorMetricLine[],
  db: Client,
  batchSize: number,
  topic: PublishTarget,
): Promise<BatchComparison> {
  const invokeMs: number[] = [];
  const linesBefore = processorMetrics.length;
  const ways = {
    fluxa: {
      label: "processor",
      runBatch: async () => void invokeMs.push(await timed(() => invokeProcessor(stack, batchSize, `bench-processor-${randomUUID()}`))),
    },
    floor: { label: "floor: multi-row INSERT + SNS PublishBatch", runBatch: () => insertAndPublish(db, freshMessages(batchSize), topic) },
    rawInsert: { label: "multi-row INSERT", runBatch: () => insertRows(db, freshMessages(batchSize)) },
    seedDesign: { label: "seed design (3 round trips/event)", runBatch: () => seedDesignBatch(db, freshMessages(batchSize)) },
    seedDesignWithPublish: { label: "seed design + SNS Publish per event", runBatch: () => seedDesignBatch(db, freshMessages(batchSize), topic) },
  };
  const runs: Record<keyof typeof ways, Throughput[]> = { fluxa: [], floor: [], rawInsert: [], seedDesign: [], seedDesignWithPublish: [] };
  for (let pass = 1; pass <= rounds; pass++) {
    for (const [way, { label, runBatch }] of Object.entries(ways) as [keyof typeof ways, (typeof ways)[keyof typeof ways]][]) {
      runs[way].push(await measure(`${label}, batch ${batchSize}, round ${pass}/${rounds}`, db, eventsPerRound[way], batchSize, runBatch));
    }
  }
  // Each round starts with one unmeasured warm-up invocation; the medians leave it out.
  const warm = <T>(values: readonly T[]) => values.filter((_, index) => index % (eventsPerRound.fluxa / batchSize + 1) !== 0);
  const metrics = processorMetrics.slice(linesBefore);
  const perInvocation = {
    invokeMs: median(warm(invokeMs)),
    handlerMs: median(warm(metrics).map((entry) => entry.process_latency_ms)),
    persistMs: median(warm(metrics).map((entry) => entry.db_latency_ms)),
    publishMs: median(warm(metrics).map((entry) => entry.publish_latency_ms)),
  };
  const fluxa = { ...combined(runs.fluxa), perInvocation };
  const floor = combined(runs.floor);
  const rawInsert = combined(runs.rawInsert);
  const seedDesign = combined(runs.seedDesign);
  const seedDesignWithPublish = combined(runs.seedDesignWithPublish);
  return {
    batchSize,
    fluxa,
    floor,
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
function combined(runs: readonly Throughput[]): Throughput {
  return throughput(
    runs.reduce((sum, run) => sum + run.events, 0),
    runs.reduce((sum, run) => sum + run.seconds, 0),
  );
}

/** One unmeasured batch first (connections, prepared statements, JIT), then `events` more on emptied tables. */
async function measure(label: string, db: Client, events: number, batchSize: number, runBatch: () => Promise<void>): Promise<Throughput> {
  await runBatch();
  await db.query("TRUNCATE events, event_keys, idempotency_keys");
  const bar = progress(label);
  const started = process.hrtime.bigint();
  for (let done = 0; done < events; done += batchSize) {
    await runBatch();
    bar.update(done + batchSize, events);
  }
  const result = throughput(events, Number(process.hrtime.bigint() - started) / 1e9);
  bar.done(`${result.eventsPerSecond} events/s`);
  return result;
}

async function invokeProcessor(stack: LocalStack, batchSize: number, correlationId: string): Promise<void> {
  const response = (await stack.functions.invoke("processor", sqsBatch(batchSize, correlationId).event)) as SQSBatchResponse;
  if (response.batchItemFailures.length > 0) throw new Error(`processor failed ${response.batchItemFailures.length} of ${batchSize} records`);
}

function freshMessages(count: number): QueueMessage[] {
  const correlationId = `bench-baseline-${randomUUID()}`;
  return Array.from({ length: count }, () => queueMessage(correlationId));
}

const insertEvent = `INSERT INTO events (${eventColumns.join(", ")}) VALUES`;

function placeholders(row: number): string {
  return `(${eventColumns.map((_, column) => `$${row * eventColumns.length + column + 1}`).join(", ")})`;
}

/** The raw limit: one multi-row INSERT per batch, no queue, no idempotency record, no outbox. */
async function insertRows(db: Client, messages: readonly QueueMessage[]): Promise<void> {
  await db.query(`${insertEvent} ${messages.map((_, row) => placeholders(row)).join(", ")}`, messages.flatMap(eventRowValues));
}

/**
 * The floor: what storing and announcing a batch cannot avoid. The same INSERT, then the batch's
 * notifications in PublishBatch calls of 10 (SNS's limit) sent at once, as the processor sends them.
 */
async function insertAndPublish(db: Client, messages: readonly QueueMessage[], topic: PublishTarget): Promise<void> {
  await insertRows(db, messages);
  const calls = [];
  for (let start = 0; start < messages.length; start += 10) {
    const entries = messages.slice(start, start + 10).map((message, index) => ({
      Id: String(index),
      Message: JSON.stringify(message),
      MessageAttributes: {
        event_id: { DataType: "String", StringValue: message.event_id },
        correlation_id: { DataType: "String", StringValue: message.correlation_id },
      },
    }));
    calls.push(topic.sns.send(new PublishBatchCommand({ TopicArn: topic.topicArn, PublishBatchRequestEntries: entries })));
  }
  await Promise.all(calls);
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
    await db.query({ name: "seed-insert", text: `${insertEvent} ${placeholders(0)}`, values: eventRowValues(message) });
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
