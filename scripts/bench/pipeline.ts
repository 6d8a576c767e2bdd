import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Client } from "pg";
import { queueMessageAttributes, type QueueMessage } from "../../functions/shared/queue-message";
import type { LocalStack } from "../local-stack/local-stack";
import { emptyEventTables, queueMessage } from "./fixtures";
import { median, progress, round } from "./measure";
import { throughput, type ProcessorMetricLine, type Throughput } from "./processor";

export interface PipelineThroughput extends Throughput {
  readonly invocations: number;
  readonly eventsPerInvocation: number;
  /** The stack's pollers: at most this many invocations at a time. */
  readonly pollers: number;
  /** Median handler time of the pipeline's invocations, from the processor's EMF metrics. */
  readonly handlerMs: number;
  /** What the pollers would deliver if receiving, invoking and deleting cost nothing: pollers × events per invocation / handler time. */
  readonly handlerBoundEventsPerSecond: number;
}

/**
 * The whole local pipeline: messages sent straight to the queue (SendMessageBatch), then the
 * stack's own pollers receive, invoke the processor and delete; timed until every event is stored.
 */
export async function measurePipeline(
  stack: LocalStack,
  processorMetrics: readonly ProcessorMetricLine[],
  pollers: number,
  sqs: SQSClient,
  db: Client,
  events: number,
): Promise<PipelineThroughput> {
  await emptyEventTables(db);
  const linesBefore = processorMetrics.length;
  const correlationId = `bench-pipeline-${randomUUID()}`;
  const messages = Array.from({ length: events }, () => queueMessage(correlationId));
  const invocationsBefore = stack.functions.invocationCount("processor");
  const bar = progress("local pipeline (poll, invoke, delete)");
  const started = process.hrtime.bigint();
  const sending = sendAll(sqs, stack.queueUrl, messages);
  const deadline = Date.now() + 120_000;
  for (let stored = 0; stored < events; ) {
    if (Date.now() > deadline) throw new Error(`pipeline stored ${stored} of ${events} events in 120 s`);
    await sleep(20);
    const { rows } = await db.query<{ count: string }>("SELECT count(*) FROM events WHERE correlation_id = $1", [correlationId]);
    stored = Number(rows[0].count);
    bar.update(stored, events);
  }
  await sending;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const invocations = stack.functions.invocationCount("processor") - invocationsBefore;
  const eventsPerInvocation = round(events / invocations, 1);
  const handlerMs = median(processorMetrics.slice(linesBefore).map((entry) => entry.process_latency_ms));
  const result = {
    ...throughput(events, seconds),
    invocations,
    eventsPerInvocation,
    pollers,
    handlerMs,
    handlerBoundEventsPerSecond: Math.round((pollers * eventsPerInvocation * 1000) / handlerMs),
  };
  bar.done(`${result.eventsPerSecond} events/s, ${result.eventsPerInvocation} events per invocation`);
  return result;
}

/** SendMessageBatch, 10 entries a call (SQS's maximum), four calls in flight. */
async function sendAll(sqs: SQSClient, queueUrl: string, messages: readonly QueueMessage[]): Promise<void> {
  const chunks: QueueMessage[][] = [];
  for (let start = 0; start < messages.length; start += 10) chunks.push(messages.slice(start, start + 10));
  const sender = async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      const entries = chunk.map((message, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(message),
        MessageAttributes: queueMessageAttributes(message),
      }));
      const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      if (Failed.length > 0) throw new Error(`SendMessageBatch failed ${Failed.length} entries: ${Failed[0].Message}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
}
