/**
 * From a bench run to what a stack can take and what it costs: the measured figures at the
 * stack's batch size and log level, through the pure arithmetic of capacity.ts and costs.ts.
 */
import type { FluxaConfig } from "../../stack-config/config";
import { accessLogFormat } from "../../components/rest-api";
import { notificationOf } from "../../functions/adapters/sns-event-notifier";
import { sourceOfMessage } from "../../functions/shared/queue-message";
import { stackCapacity, type StackCapacity } from "./capacity";
import { costPerMillionEvents, type CostInputs, type PerMillionEvents } from "./costs";
import { queueMessage } from "./fixtures";
import type { LogVolume } from "./log-volume";
import { listPrices } from "./prices";
import { sampleEvent } from "../lib/factories";
import type { BatchComparison } from "./processor";

/** What sizing needs of a bench run. */
export interface SizingMeasurements {
  readonly batches: readonly BatchComparison[];
  /** Median ingest handler time of single-event POSTs at a load the stack keeps up with. */
  readonly ingestHandlerMs: number;
  readonly logVolume: LogVolume;
}

/** Assumption, not measured: the share of events over the large-payload threshold (their payload goes through S3). */
export const largePayloadShare = 0.01;

function batchAt(batches: readonly BatchComparison[], size: number): BatchComparison | undefined {
  return batches.find((b) => b.batchSize === size);
}

/** Undefined when the run did not measure the stack's batch size. */
export function capacityOf(config: FluxaConfig, batches: readonly BatchComparison[]): StackCapacity | undefined {
  const batch = batchAt(batches, config.queue.batchSize);
  return batch && stackCapacity(config, batch.fluxa.eventsPerSecond);
}

const sampleRequestId = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

/**
 * Lambda's own lines in JSON log format at system level INFO (platform.start, platform.report) and
 * API Gateway's access log line, rendered with typical values.
 */
export const platformLogBytesPerInvocation =
  Buffer.byteLength(`${JSON.stringify({ time: "2026-12-03T07:00:00.000Z", type: "platform.start", record: { requestId: sampleRequestId, version: "$LATEST" } })}\n`) +
  Buffer.byteLength(
    `${JSON.stringify({
      time: "2026-12-03T07:00:00.040Z",
      type: "platform.report",
      record: { requestId: sampleRequestId, metrics: { durationMs: 38.42, billedDurationMs: 39, memorySizeMB: 512, maxMemoryUsedMB: 97 }, status: "success" },
    })}\n`,
  );
export const accessLogBytesPerRequest = Buffer.byteLength(
  `${accessLogFormat
    .replace("$context.requestId", sampleRequestId)
    .replace("$context.extendedRequestId", "Xh2bXG1dDoEFT8Q=")
    .replace("$context.identity.sourceIp", "203.0.113.24")
    .replace("$context.identity.apiKeyId", "k7x2qvw9ab")
    .replace("$context.requestTime", "03/Dec/2026:07:00:00 +0000")
    .replace("$context.httpMethod", "POST")
    .replace("$context.resourcePath", "/events")
    .replace("$context.status", "202")
    .replace("$context.responseLength", "64")
    .replace("$context.responseLatency", "41")
    .replace("$context.integration.error", "-")}\n`,
);

/** An inline queue message as ingest sends it, and the notification the processor publishes for it. */
function messageSizes(): { queueMessageBytes: number; notificationBytes: number } {
  const event = sampleEvent();
  const message = queueMessage("0b7e6c1e-55d5-4c1b-9a38-2f3c8d0e1a2b", event);
  const stored = {
    event_id: message.event_id,
    source: sourceOfMessage(message),
    correlation_id: message.correlation_id,
    user_id: event.user_id,
    amount: event.amount,
    currency: event.currency,
    merchant: event.merchant,
    timestamp: event.timestamp,
    metadata: event.metadata ?? null,
    payload_mode: "INLINE" as const,
    created_at: message.received_at,
  };
  // SQS and SNS count message attributes (name, type and value) toward the size: event_id, correlation_id, source and user_id.
  const attributes = 4 * "String".length + 2 * 36 + stored.source.length + stored.user_id.length + "event_id".length + "correlation_id".length + "source".length + "user_id".length;
  return { queueMessageBytes: Buffer.byteLength(JSON.stringify(message)) + attributes, notificationBytes: notificationOf(stored).bytes + attributes };
}

/** Fluxa's cost per million events and the seed's per-event design doing the same work, at the stack's sizing. */
export function costsOf(config: FluxaConfig, measured: SizingMeasurements): { fluxa: PerMillionEvents; seedDesign: PerMillionEvents } | undefined {
  const batch = batchAt(measured.batches, config.queue.batchSize);
  const logs = measured.logVolume.bytesPerEvent[config.logLevel] ?? measured.logVolume.bytesPerEvent.info;
  const processorLogBytes = logs.processorByBatchSize[String(config.queue.batchSize)];
  if (!batch || processorLogBytes === undefined) return undefined;
  const inputs: CostInputs = {
    ingestLocalMs: measured.ingestHandlerMs,
    processorLocalMs: batch.fluxa.perInvocation.handlerMs,
    ...messageSizes(),
    notificationsPerCall: 10,
    functionLogBytesPerEvent: logs.ingest + processorLogBytes,
    platformLogBytesPerInvocation,
    accessLogBytesPerRequest,
    largePayloadShare,
  };
  // The seed's processor: three round trips and one SNS Publish per event, at the throughput measured for it.
  const seedInputs = { ...inputs, processorLocalMs: (1000 * batch.batchSize) / batch.seedDesignWithPublish.eventsPerSecond, notificationsPerCall: 1 };
  return { fluxa: costPerMillionEvents(config, inputs, listPrices), seedDesign: costPerMillionEvents(config, seedInputs, listPrices) };
}
